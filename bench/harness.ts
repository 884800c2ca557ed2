import type { BenchServer } from './database.ts';

/**
 * What every benchmark shares: options from flags or environment, warm-up and rounds
 * with the Herald and baseline runs interleaved (so both see the same noise on a shared
 * host), medians and percentiles, and the row each bench reports.
 */

export type Options = {
  /** a positive integer from `--name=N` or BENCH_NAME=N (dashes become underscores), else the default */
  int(name: string, fallback: number): number;
  rounds: number;
};

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): { names: string[]; options: Options } {
  const flags = new Map<string, string>();
  const names: string[] = [];
  for (const arg of argv) {
    const flag = /^--([a-z0-9-]+)=(.+)$/.exec(arg);
    if (flag) flags.set(flag[1]!, flag[2]!);
    else if (arg.startsWith('-')) throw new Error(`Unknown option ${arg} (options look like --rounds=5 or --import-rows=50000)`);
    else names.push(arg);
  }
  const int = (name: string, fallback: number) => {
    const raw = flags.get(name) ?? env[`BENCH_${name.replace(/-/g, '_').toUpperCase()}`];
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got “${raw}”`);
    return value;
  };
  return { names, options: { int, rounds: int('rounds', 3) } };
}

export type Figure = { value: number; unit: string; note?: string };

/** One line of the table: `ratio` is Herald ÷ baseline (or 1M ÷ 10k for stats-read). */
export type BenchRow = {
  name: string;
  herald: Figure;
  baseline: Figure;
  ratio: number;
  target: string;
  pass: boolean;
  /** sizes, per-round figures and anything else worth keeping in results.json */
  details: Record<string, unknown>;
};

export type BenchContext = { server: BenchServer; options: Options; log(message: string): void };

export type Bench = {
  name: string;
  /** what it measures, for `npm run bench -- --help` and the README */
  summary: string;
  run(context: BenchContext): Promise<BenchRow>;
};

export const median = (values: readonly number[]) => percentile(values, 50);

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export type Timed<T> = { ms: number; result: T };

export async function timed<T>(work: () => Promise<T>): Promise<Timed<T>> {
  const start = performance.now();
  const result = await work();
  return { ms: performance.now() - start, result };
}

type Contender = {
  /** runs before every round, untimed: puts the database back into the same state */
  prepare?(): Promise<void>;
  run(): Promise<unknown>;
};

type Sides = { herald: Contender; baseline: Contender };

/**
 * One untimed warm-up of each side (`warmup`, when given, is a smaller version of the same
 * work: big database benches need warm code paths and caches, not a full extra round),
 * then `rounds` timed rounds alternating which side goes first. Returns each side's round
 * times in milliseconds.
 */
export async function alternate(
  rounds: number,
  sides: Sides,
  log: (message: string) => void = () => {},
  warmup: Sides = sides,
): Promise<{ herald: number[]; baseline: number[] }> {
  const times = { herald: [] as number[], baseline: [] as number[] };
  const once = async (contender: Contender) => {
    await contender.prepare?.();
    return (await timed(() => contender.run())).ms;
  };
  await once(warmup.herald);
  await once(warmup.baseline);
  log('warm-up done');
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (['herald', 'baseline'] as const) : (['baseline', 'herald'] as const);
    for (const side of order) times[side].push(await once(sides[side]));
    log(`round ${round + 1}/${rounds}: Herald ${Math.round(times.herald.at(-1)!)} ms, baseline ${Math.round(times.baseline.at(-1)!)} ms`);
  }
  return times;
}

/** items/s from the median round time. */
export const perSecond = (items: number, roundsMs: readonly number[]) => (items * 1000) / median(roundsMs);

/** Runs `task` `total` times with at most `concurrency` at once. */
export async function inParallel(total: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < total) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
}

/** A small deterministic PRNG (mulberry32), so every run generates the same data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
