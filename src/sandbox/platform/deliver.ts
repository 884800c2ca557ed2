import { createHmac } from 'node:crypto';
import type { SandboxContext } from '../context.ts';

export type Delivery = { status: number; body: string };

/** Bolt answers 404 when a listener does not ack within 3 s; give it that long and a little more. */
const DELIVERY_TIMEOUT_MS = 10_000;

/** Slack's request signature: v0=HMAC-SHA256(secret, "v0:<ts>:<body>"). */
export function signature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/**
 * Posts a request to the app's own /slack/events endpoint the way Slack does: signed with
 * the signing secret, slash commands and interactions form-encoded, events as JSON.
 */
export async function deliver(ctx: SandboxContext, body: string, contentType: 'form' | 'json'): Promise<Delivery> {
  const timestamp = Math.floor(Date.now() / 1000);
  try {
    const response = await fetch(`${ctx.baseUrl}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': contentType === 'form' ? 'application/x-www-form-urlencoded' : 'application/json',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': signature(ctx.signingSecret, timestamp, body),
        'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots) herald-sandbox',
      },
      body,
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    ctx.log.warn({ err: error }, 'sandbox could not deliver a request to the app');
    return { status: 0, body: '' };
  }
}

/** The error Slack shows for a request the app did not answer with 200 in time. */
export function deliveryError(delivery: Delivery): string | null {
  if (delivery.status === 200) return null;
  if (delivery.status === 404 || delivery.status === 0) return 'operation_timeout';
  return 'dispatch_failed';
}

/** Interactive payloads are one form field, payload=<JSON>. */
export function interactiveBody(payload: object): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
