import { writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { startBenchServer } from './database.ts';
import { parseOptions, type Bench, type BenchRow } from './harness.ts';
import { formatTable } from './table.ts';
import { ack } from './ack.ts';
import { dispatch } from './dispatch.ts';
import { importBench } from './import.ts';
import { ingest } from './ingest.ts';
import { render } from './render.ts';
import { statsRead } from './stats-read.ts';

/**
 * `npm run bench` runs every benchmark, `npm run bench -- <name> …` the named ones.
 * Sizes: `--rounds=5`, `--render-recipients=50000`, … (or BENCH_ROUNDS=5 …); each bench
 * lists its own. DATABASE_URL points at an existing server instead of an embedded one.
 */

const BENCHES: readonly Bench[] = [importBench, ingest, statsRead, render, dispatch, ack];

const log = (message: string) => process.stderr.write(`${message}\n`);

async function main(): Promise<number> {
  const { names, options } = parseOptions(process.argv.slice(2), process.env);
  if (names.includes('help')) {
    for (const bench of BENCHES) console.log(`${bench.name.padEnd(12)} ${bench.summary}`);
    return 0;
  }
  const unknown = names.filter((name) => !BENCHES.some((bench) => bench.name === name));
  if (unknown.length > 0) {
    log(`Unknown bench ${unknown.join(', ')}; known: ${BENCHES.map((bench) => bench.name).join(', ')}`);
    return 2;
  }
  const selected = names.length > 0 ? BENCHES.filter((bench) => names.includes(bench.name)) : BENCHES;

  const server = await startBenchServer(process.env.DATABASE_URL || undefined, log);
  // Ctrl-C: stop the embedded server and delete its files rather than leaving them behind
  process.once('SIGINT', () => void server.stop().finally(() => process.exit(130)));
  const rows: BenchRow[] = [];
  const failures: Array<{ name: string; error: string }> = [];
  const startedAt = new Date();
  try {
    for (const bench of selected) {
      log(`\n▶ ${bench.name}: ${bench.summary}`);
      const started = performance.now();
      try {
        const row = await bench.run({ server, options, log: (message) => log(`  ${bench.name}: ${message}`) });
        rows.push({ ...row, details: { ...row.details, benchSeconds: Math.round((performance.now() - started) / 1000) } });
        log(`  ${bench.name}: done in ${Math.round((performance.now() - started) / 1000)} s`);
      } catch (error) {
        log(`  ${bench.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        failures.push({ name: bench.name, error: error instanceof Error ? error.message : String(error) });
      }
    }
  } finally {
    await server.stop();
  }

  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    database: server.description,
  };
  console.log(`\n${formatTable(rows, failures)}`);
  console.log(`\n${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.database}; ${options.rounds} rounds, median`);
  const results = { startedAt, finishedAt: new Date(), machine, rounds: options.rounds, rows, failures };
  const file = join(import.meta.dirname, 'results.json');
  await writeFile(file, `${JSON.stringify(results, (_key, value) => (typeof value === 'bigint' ? String(value) : value), 2)}\n`);
  log(`wrote ${file}`);
  return failures.length > 0 ? 1 : 0;
}

process.exitCode = await main();
