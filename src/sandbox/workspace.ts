import type { MemberSeed } from '../db/sandbox/workspace.ts';

/** The one workspace the sandbox simulates, with Herald installed as its app. */
export const TEAM = { id: 'T0SANDBOX', name: 'Herald Sandbox', domain: 'herald-sandbox' } as const;
export const APP = { id: 'A0HERALD', botId: 'B0HERALD', botUserId: 'U0HERALD', name: 'Herald' } as const;
/** Author of the platform's own notices (a slash command that failed, an expired response_url). */
export const SLACKBOT = 'USLACKBOT';

export const MEMBERS: readonly MemberSeed[] = [
  { id: 'U0ANN', name: 'ann', real_name: 'Ann Admin', title: 'admin', email: 'ann@sandbox.example', timezone: 'Europe/Berlin', is_bot: false },
  { id: 'U0BEN', name: 'ben', real_name: 'Ben Approver', title: 'approver', email: 'ben@sandbox.example', timezone: 'America/New_York', is_bot: false },
  { id: 'U0CARA', name: 'cara', real_name: 'Cara Editor', title: 'editor', email: 'cara@sandbox.example', timezone: 'UTC', is_bot: false },
  { id: APP.botUserId, name: 'herald', real_name: APP.name, title: 'app', email: 'herald@sandbox.example', is_bot: true },
  { id: SLACKBOT, name: 'slackbot', real_name: 'Slackbot', title: 'platform', email: 'slackbot@sandbox.example', is_bot: true },
];

export const CHANNELS = [
  { id: 'C0MARKETING', name: 'marketing' },
  { id: 'C0GENERAL', name: 'general' },
] as const;

export const DEFAULT_CHANNEL = CHANNELS[0].id;
