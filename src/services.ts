import type { Config } from './config.ts';
import type { Database } from './db/pool.ts';
import type { Logger } from './log.ts';

/** What every part of Herald is handed at start: configuration, logger, database. */
export type Services = {
  config: Config;
  log: Logger;
  db: Database;
};
