import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine((value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`)
    .optional();

const DNS_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/i;

const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);

const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: optionalUrl(['postgres:', 'postgresql:']),
  DATABASE_READ_URL: optionalUrl(['postgres:', 'postgresql:']),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  DATA_DIR: z.string().default('.data'),
  PUBLIC_URL: optionalUrl(['http:', 'https:']),
  HERALD_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  HERALD_ROLE: z.enum(['all', 'web', 'worker']).default('all'),
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  SLACK_BOT_TOKEN: z.string().regex(/^xoxb-/, 'must start with xoxb-').optional(),
  SLACK_APP_TOKEN: z.string().regex(/^xapp-/, 'must start with xapp-').optional(),
  SLACK_API_URL: optionalUrl(['http:', 'https:']),
  SMTP_URL: optionalUrl(['smtp:', 'smtps:']),
  SMTP_RATE_PER_SECOND: z.coerce.number().positive().default(50),
  SMTP_ACCOUNT_RATE_PER_SECOND: z.coerce.number().positive().optional(),
  MAIL_FROM: z.email().optional(),
  UNSUBSCRIBE_MAILTO: z.email().optional(),
  /** DKIM signing: all three of domain, selector and key (PEM text, or a file holding it), or none */
  DKIM_DOMAIN: z.string().trim().toLowerCase().regex(DNS_NAME, 'must be a domain name such as example.com').optional(),
  DKIM_SELECTOR: z.string().trim().regex(DNS_NAME, 'must be a DNS label such as herald1 (the name before ._domainkey.)').optional(),
  DKIM_PRIVATE_KEY: z.string().optional(),
  DKIM_PRIVATE_KEY_FILE: z.string().optional(),
  DELIVERED_ON: z.enum(['acceptance', 'webhook']).default('acceptance'),
  SOFT_BOUNCE_LIMIT: z.coerce.number().int().min(1).max(100).default(3),
  TRACKING_SCANNER_WINDOW_SECONDS: z.coerce.number().min(0).max(3600).default(10),
  SES_TOPIC_ARNS: z
    .string()
    .transform((value) => value.split(',').map((arn) => arn.trim()).filter(Boolean))
    .optional(),
  /** months of email_events kept; older month partitions are dropped by the daily roller */
  EVENT_RETENTION_MONTHS: z.coerce.number().int().min(1).max(120).default(13),
  /** a scheduled campaign overdue by more than this (Herald was down) is held until a person confirms */
  SCHEDULE_GRACE_MINUTES: z.coerce.number().int().min(1).max(10_080).default(60),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof ConfigSchema> & { slackMode: 'http' | 'socket' | 'sandbox' };

export class ConfigError extends Error {}

/** Parses the environment once; throws ConfigError with one line per bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input = Object.fromEntries(Object.keys(ConfigSchema.shape).map((key) => [key, emptyAsUndefined(env[key])]));
  const parsed = ConfigSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${lines.join('; ')}`);
  }
  const config = parsed.data;
  const hasSlack = config.SLACK_BOT_TOKEN !== undefined || config.SLACK_SIGNING_SECRET !== undefined;
  if (hasSlack && (config.SLACK_BOT_TOKEN === undefined || config.SLACK_SIGNING_SECRET === undefined)) {
    throw new ConfigError('Invalid configuration: SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET must be set together');
  }
  const slackMode = !hasSlack ? 'sandbox' : config.SLACK_APP_TOKEN ? 'socket' : 'http';
  const dkimKey = dkimPrivateKey(config.DKIM_PRIVATE_KEY, config.DKIM_PRIVATE_KEY_FILE);
  checkDkim(config.DKIM_DOMAIN, config.DKIM_SELECTOR, dkimKey);
  return { ...config, DKIM_PRIVATE_KEY: dkimKey, slackMode };
}

/** The DKIM key's PEM text, from DKIM_PRIVATE_KEY (literal \n sequences allowed, as one-line env files need) or DKIM_PRIVATE_KEY_FILE. */
function dkimPrivateKey(text: string | undefined, file: string | undefined): string | undefined {
  if (text !== undefined && file !== undefined) {
    throw new ConfigError('Invalid configuration: set DKIM_PRIVATE_KEY or DKIM_PRIVATE_KEY_FILE, not both');
  }
  if (file === undefined) return text?.replaceAll('\\n', '\n');
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`Invalid configuration: DKIM_PRIVATE_KEY_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
}

/**
 * All of the DKIM settings or none, and a key nodemailer can sign with: it signs rsa-sha256
 * only, and sends a message unsigned, without an error, when the key does not work.
 */
function checkDkim(domain: string | undefined, selector: string | undefined, key: string | undefined): void {
  const settings = { DKIM_DOMAIN: domain, DKIM_SELECTOR: selector, 'DKIM_PRIVATE_KEY (or DKIM_PRIVATE_KEY_FILE)': key };
  const missing = Object.entries(settings).filter(([, value]) => value === undefined).map(([name]) => name);
  if (missing.length === 3) return;
  if (missing.length > 0) {
    throw new ConfigError(`Invalid configuration: DKIM signing needs DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY together; missing ${missing.join(', ')}`);
  }
  let type;
  try {
    type = createPrivateKey(key!).asymmetricKeyType;
  } catch {
    // the parser's message is left out: it may quote part of the key
    throw new ConfigError('Invalid configuration: DKIM_PRIVATE_KEY: not a private key; give the whole PEM text, from -----BEGIN PRIVATE KEY----- to its END line');
  }
  if (type !== 'rsa') {
    throw new ConfigError(`Invalid configuration: DKIM_PRIVATE_KEY: the key is ${type ?? 'of an unknown type'}; DKIM signing needs an RSA key (2048 bits or more)`);
  }
}

/** nodemailer's DKIM option when DKIM is configured (loadConfig checked that all three settings are). */
export function dkimSigning(config: Config): DkimSigning | undefined {
  if (!config.DKIM_DOMAIN || !config.DKIM_SELECTOR || !config.DKIM_PRIVATE_KEY) return undefined;
  return { domainName: config.DKIM_DOMAIN, keySelector: config.DKIM_SELECTOR, privateKey: config.DKIM_PRIVATE_KEY };
}

export type DkimSigning = { domainName: string; keySelector: string; privateKey: string };

/** Keys whose values are never logged. */
export const SECRET_KEYS = [
  'DATABASE_URL',
  'DATABASE_READ_URL',
  'HERALD_SECRET',
  'SLACK_SIGNING_SECRET',
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'SMTP_URL',
  'DKIM_PRIVATE_KEY',
] as const;
