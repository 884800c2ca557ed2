import { createHmac } from 'node:crypto';

export function slackSignature(secret: string, body: string, ts = Math.floor(Date.now() / 1000)) {
  const sig = 'v0=' + createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex');
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': sig,
  };
}

export const postSigned = (url: string, secret: string, body: string, ts?: number, extraHeaders: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { ...slackSignature(secret, body, ts), ...extraHeaders }, body });

/** block_actions / view_submission / shortcuts arrive as payload=<url-encoded JSON>. */
export const interactiveBody = (payload: object) => new URLSearchParams({ payload: JSON.stringify(payload) }).toString();

/** Polls until the condition holds (or throws after the limit). */
export async function until(condition: () => boolean | Promise<boolean>, limitMs = 5_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
