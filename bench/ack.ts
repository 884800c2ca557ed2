import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { resolveActor } from '../src/accounts/actor.ts';
import { loadConfig } from '../src/config.ts';
import { createHeraldWeb } from '../src/herald.ts';
import type { Services } from '../src/services.ts';
import { startFakeSlack, type FakeSlack } from '../test/helpers/fake-slack.ts';
import { slackSignature } from '../test/helpers/slack-sign.ts';
import { alternate, median, percentile, type Bench } from './harness.ts';
import { createCampaign } from './seed.ts';

/**
 * Herald: `ack-requests` concurrent, Slack-signed `/herald campaigns` slash commands
 * against the real app (createHeraldWeb: Bolt's HTTP receiver with every listener, the
 * bench database, the fake Slack Web API), timed from sending to the HTTP response (the
 * ack Slack waits 3 s for). The work after the ack (resolving the actor, listing the
 * account's 20 campaigns, answering on response_url) runs meanwhile, as it does in Slack.
 *
 * Baseline: a bare node:http server that reads the body and answers 200, sent the same
 * signed requests the same way.
 */

const SIGNING_SECRET = 'bench-signing-secret';
const BOT_TOKEN = 'xoxb-bench-token';
const TEAM = 'TBENCH';
const MEMBER = 'UBENCH';
const EXTRA_WARMUP_ROUNDS = 4;

type Signed = { headers: Record<string, string>; body: string };

function campaignsCommands(slack: FakeSlack, count: number, round: number): Signed[] {
  return Array.from({ length: count }, (_, i) => {
    const body = new URLSearchParams({
      token: 'legacy', team_id: TEAM, team_domain: 'bench', channel_id: 'CBENCH', channel_name: 'general',
      user_id: MEMBER, user_name: 'bench', command: '/herald', text: 'campaigns', api_app_id: 'AHERALD',
      trigger_id: `trigger.${round}.${i}`, response_url: slack.responseUrl(`ack-${round}-${i}`),
    }).toString();
    return { headers: slackSignature(SIGNING_SECRET, body), body };
  });
}

/** Sends every request at once; returns each one's milliseconds until its response was read. */
async function latencies(url: string, requests: readonly Signed[]): Promise<number[]> {
  return Promise.all(requests.map(async ({ headers, body }) => {
    const start = performance.now();
    const response = await fetch(url, { method: 'POST', headers, body });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    return performance.now() - start;
  }));
}

async function startBareServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/slack/events`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

type Side = { p50: number[]; p99: number[] };
const summarise = (side: Side) => ({ p50: median(side.p50), p99: median(side.p99) });

export const ack: Bench = {
  name: 'ack',
  summary: 'ack latency of concurrent signed /herald campaigns against the running app vs a bare node:http server',
  async run({ server, options, log }) {
    const concurrent = options.int('ack-requests', 50);
    const rounds = options.int('ack-rounds', Math.max(options.rounds, 10));
    const db = await server.freshDatabase('ack');
    const slack = await startFakeSlack({ teamId: TEAM });
    const config = loadConfig({
      DATABASE_URL: db.url,
      PORT: '0',
      HOST: '127.0.0.1',
      HERALD_SECRET: 'bench-herald-secret-0123456789abcdef',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_API_URL: slack.apiUrl,
      LOG_LEVEL: 'silent',
    });
    const services: Services = { config, log: pino({ level: 'error' }), db };
    const { web } = createHeraldWeb(services, { signingSecret: SIGNING_SECRET, token: BOT_TOKEN, apiUrl: slack.apiUrl });
    const { port } = await web.start();
    const bare = await startBareServer();
    try {
      const { userId } = await resolveActor(db.primary, { teamId: TEAM, teamName: 'bench', memberId: MEMBER });
      const client = await server.client(db);
      try {
        for (let i = 0; i < 20; i++) {
          await createCampaign(client, userId, { name: `Campaign ${i + 1}`, contactIds: [], status: ['draft', 'scheduled', 'sent', 'paused'][i % 4] });
        }
      } finally {
        await client.end();
      }

      const measured = { herald: { p50: [], p99: [] } as Side, baseline: { p50: [], p99: [] } as Side };
      let round = 0;
      let requests: Signed[] = [];
      const contender = (side: 'herald' | 'baseline', url: string) => ({
        async prepare() {
          await web.idle(); // the previous round's work after the ack is done before the next starts
          requests = campaignsCommands(slack, concurrent, round++);
        },
        async run() {
          const times = await latencies(url, requests);
          measured[side].p50.push(percentile(times, 50));
          measured[side].p99.push(percentile(times, 99));
        },
      });
      const sides = { herald: contender('herald', `http://127.0.0.1:${port}/slack/events`), baseline: contender('baseline', bare.url) };
      // one round is not enough to get Bolt's and Herald's code paths compiled: a few more, untimed
      for (let i = 0; i < EXTRA_WARMUP_ROUNDS; i++) {
        for (const side of [sides.herald, sides.baseline]) {
          await side.prepare();
          await side.run();
        }
      }
      await alternate(rounds, sides, log);
      await web.idle();
      if (slack.rejections.length > 0) throw new Error(`the fake Slack rejected ${slack.rejections.length} calls, e.g. ${slack.rejections[0]!.error}`);
      // every command was answered with the campaign list, not just acked
      const listed = slack.responses.filter((response) => JSON.stringify(response.body).includes('Campaign 20')).length;
      const sent = (rounds + 1 + EXTRA_WARMUP_ROUNDS) * concurrent;
      if (listed !== sent) throw new Error(`${listed} of ${sent} commands were answered with the campaign list`);

      // the warm-up rounds are not part of the figures
      for (const side of [measured.herald, measured.baseline]) {
        side.p50.splice(0, EXTRA_WARMUP_ROUNDS + 1);
        side.p99.splice(0, EXTRA_WARMUP_ROUNDS + 1);
      }
      const herald = summarise(measured.herald);
      const baseline = summarise(measured.baseline);
      const ratio = herald.p99 / baseline.p99;
      return {
        name: 'ack',
        herald: { value: herald.p99, unit: 'ms p99', note: `p50 ${herald.p50.toFixed(1)} ms` },
        baseline: { value: baseline.p99, unit: 'ms p99', note: `p50 ${baseline.p50.toFixed(1)} ms` },
        ratio,
        target: 'p99 ≤ 100 ms',
        pass: herald.p99 <= 100,
        details: { concurrent, rounds, heraldMs: measured.herald, baselineMs: measured.baseline },
      };
    } finally {
      await bare.close();
      await web.stop();
      await slack.close();
      await db.close();
    }
  },
};
