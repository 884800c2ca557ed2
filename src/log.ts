import { pino, type Logger } from 'pino';
import { SECRET_KEYS } from './config.ts';

const REDACTED_PATHS = [
  '*.password',
  '*.token',
  '*.secret',
  '*.privateKey',
  '*.authorization',
  '*.headers.authorization',
  '*.headers["x-slack-signature"]',
  ...SECRET_KEYS.map((key) => `config.${key}`),
];

export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
}

export type { Logger };
