import { z } from 'zod';
import { findSendingHealth, REMEMBER_AUTO_PAUSE_BASELINE, type SendingCounters } from '../db/auto-pause.ts';
import { transitionCampaign } from '../db/campaigns.ts';
import type { DatabasePool } from '../db/pool.ts';
import type { CampaignRef } from '../notify/notifier.ts';

/**
 * Auto-pause: a campaign whose hard bounces or complaints pass the account's limits stops
 * sending before it harms the sender's reputation. users.settings.auto_pause overrides the
 * defaults, e.g. {"hard_bounce_percent": 3, "complaint_percent": 0.1, "minimum_sample": 500}.
 */
export const AutoPauseSettings = z.object({
  hard_bounce_percent: z.number().positive().max(100).default(5),
  complaint_percent: z.number().positive().max(100).default(0.3),
  /** emails sent before the rates are judged, so three early bounces do not stop a campaign */
  minimum_sample: z.number().int().min(1).default(100),
});
export type AutoPauseSettings = z.infer<typeof AutoPauseSettings>;

export function autoPauseSettings(stored: unknown): AutoPauseSettings {
  const parsed = AutoPauseSettings.safeParse(stored ?? {});
  return parsed.success ? parsed.data : AutoPauseSettings.parse({});
}

export type Breach = { kind: 'hard bounces' | 'complaints'; count: number; sample: number; percent: number; limit: number };

/** The limits the counters pass, judged on what was sent since the last automatic pause. */
export function breachesOf(counters: SendingCounters, baseline: SendingCounters | null, settings: AutoPauseSettings): Breach[] {
  const since = baseline ?? { sent: 0, hard_bounced: 0, complained: 0 };
  const sample = counters.sent - since.sent;
  if (sample < settings.minimum_sample) return [];
  const judge = (kind: Breach['kind'], count: number, limit: number): Breach[] => {
    const percent = (count * 100) / sample;
    return percent > limit ? [{ kind, count, sample, percent, limit }] : [];
  };
  return [
    ...judge('hard bounces', counters.hard_bounced - since.hard_bounced, settings.hard_bounce_percent),
    ...judge('complaints', counters.complained - since.complained, settings.complaint_percent),
  ];
}

export type AutoPause = { ref: CampaignRef; name: string; breaches: Breach[] };

export const AUTO_PAUSE_ACTOR = 'herald';

/**
 * Pauses a sending campaign whose rates pass the limits (the campaigns' own conditional
 * transition, audited as Herald's). Returns what happened, or null when nothing needed doing
 * or another process paused it first. The dispatcher calls it after each batch.
 */
export async function pauseIfUnhealthy(db: DatabasePool, ref: CampaignRef): Promise<AutoPause | null> {
  const health = await findSendingHealth(db, ref);
  if (!health || health.status !== 'sending') return null;
  const breaches = breachesOf(health.counters, health.baseline, autoPauseSettings(health.settings));
  if (breaches.length === 0) return null;
  const paused = await transitionCampaign(db, ref.userId, ref.campaignId, {
    actor: AUTO_PAUSE_ACTOR,
    action: 'auto_pause',
    from: ['sending'],
    to: 'paused',
    set: REMEMBER_AUTO_PAUSE_BASELINE,
    payload: { breaches },
  });
  return paused ? { ref, name: health.name, breaches } : null;
}
