import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';

/** A Slack-looking id: prefix + 10 uppercase letters/digits (V… views, F… files). */
export function slackId(prefix: string): string {
  return prefix + [...randomBytes(10)].map((byte) => ALPHABET[byte % ALPHABET.length]).join('');
}

/** Opaque single-use tokens (trigger ids, response_url paths, view hashes). */
export function token(bytes = 12): string {
  return randomBytes(bytes).toString('hex');
}

export function viewHash(): string {
  return `${Math.floor(Date.now() / 1000)}.${token(4)}`;
}

export function triggerId(): string {
  return `${Math.floor(Date.now() / 1000)}.${token(6)}`;
}
