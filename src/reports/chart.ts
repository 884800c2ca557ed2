import { createCanvas } from '@napi-rs/canvas';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Title, type ChartConfiguration, type Plugin } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Title);

export type ChartBar = { label: string; opens: number; clicks: number };

const WIDTH = 960;
const HEIGHT = 480;
const LABEL_LENGTH = 24;

/** Slack shows a transparent PNG on a dark theme as black on black: paint a white background. */
const whiteBackground: Plugin<'bar'> = {
  id: 'white-background',
  beforeDraw(chart) {
    chart.ctx.save();
    chart.ctx.fillStyle = '#ffffff';
    chart.ctx.fillRect(0, 0, chart.width, chart.height);
    chart.ctx.restore();
  },
};

const shortLabel = (label: string) => (label.length <= LABEL_LENGTH ? label : `${label.slice(0, LABEL_LENGTH - 1)}…`);

/** Unique opens and clicks per campaign as a grouped bar chart, rendered in-process to PNG bytes. */
export async function renderOpensClicksChart(bars: readonly ChartBar[], title: string): Promise<Buffer> {
  const canvas = createCanvas(WIDTH, HEIGHT);
  const config: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: {
      labels: bars.map((bar) => shortLabel(bar.label)),
      datasets: [
        { label: 'Unique opens', data: bars.map((bar) => bar.opens), backgroundColor: '#2eb67d' },
        { label: 'Unique clicks', data: bars.map((bar) => bar.clicks), backgroundColor: '#36c5f0' },
      ],
    },
    options: {
      responsive: false,
      animation: false,
      devicePixelRatio: 1,
      plugins: { title: { display: true, text: title }, legend: { position: 'bottom' } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
    plugins: [whiteBackground],
  };
  // chart.js draws on anything shaped like a canvas; @napi-rs/canvas is one without a DOM
  const chart = new Chart(canvas as unknown as ConstructorParameters<typeof Chart>[0], config);
  try {
    return await canvas.encode('png');
  } finally {
    chart.destroy();
  }
}
