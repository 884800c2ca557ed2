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
  return { ...config, slackMode };
}

/** Keys whose values are never logged. */
export const SECRET_KEYS = [
  'DATABASE_URL',
  'DATABASE_READ_URL',
  'HERALD_SECRET',
  'SLACK_SIGNING_SECRET',
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'SMTP_URL',
] as const;
