import { ConfigError, loadConfig } from './config.ts';
import { stopEmbeddedServers } from './db/embedded.ts';
import { createLogger } from './log.ts';
import { startHerald } from './herald.ts';

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const log = createLogger(config.LOG_LEVEL);
// handlers are in place before the port answers: a signal during start stops Herald once it is up
const starting = startHerald(config, log);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping');
  const deadline = setTimeout(() => {
    log.error('shutdown took too long: stopping the embedded database, then exiting');
    // the embedded database outlives a plain exit; this gives it 5 s to stop
    setTimeout(() => process.exit(1), 5_000);
    void stopEmbeddedServers().finally(() => process.exit(1));
  }, 20_000);
  deadline.unref();
  const herald = await starting.catch(() => undefined); // a failed start has stopped itself and exits below
  if (!herald) return;
  await herald.stop();
  log.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
try {
  await starting;
} catch (error) {
  log.fatal({ err: error }, `Herald did not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
