import type { DatabasePool } from '../db/pool.ts';
import type { Logger } from '../log.ts';
import type { Changes } from './changes.ts';

/** What every part of the sandbox is handed. */
export type SandboxContext = {
  db: DatabasePool;
  log: Logger;
  changes: Changes;
  /** The token the app's WebClient sends; the Web API answers nobody else. */
  botToken: string;
  /** Signs the requests the sandbox posts to the app, as Slack does. */
  signingSecret: string;
  /** http://127.0.0.1:PORT — the app and the sandbox share this server. */
  baseUrl: string;
  /** Where the file outbox writes emails (DATA_DIR/outbox). */
  outboxDir: string;
};
