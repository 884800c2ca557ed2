import { describe, expect, it } from 'vitest';
import { createTokenSigner, TOKEN_LIFETIME_DAYS } from '../../src/tracking/tokens.ts';

const signer = createTokenSigner('token-test-secret-0123456789');
const claims = { userId: '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b', campaignId: 42n, contactId: 9_007_199_254_740_993n };
const DAY = 86_400_000;

/** The token with one base64url character changed. */
function tamper(token: string, at: number): string {
  const flipped = token[at] === 'A' ? 'B' : 'A';
  return token.slice(0, at) + flipped + token.slice(at + 1);
}

describe('tracking tokens', () => {
  it('round-trips purpose, account, campaign, contact and link', () => {
    const token = signer.sign('click', { ...claims, linkId: 7n });
    expect(signer.verify('click', token)).toMatchObject({ ...claims, linkId: 7n, purpose: 'click' });
    expect(signer.verify('unsubscribe', signer.sign('unsubscribe', claims))).toMatchObject({ ...claims, purpose: 'unsubscribe' });
  });

  it('refuses a token with any character changed', () => {
    const token = signer.sign('open', claims);
    for (let at = 0; at < token.length; at++) expect(signer.verify('open', tamper(token, at))).toBeNull();
  });

  it('refuses a token of another purpose, another secret, or garbage', () => {
    const open = signer.sign('open', claims);
    expect(signer.verify('unsubscribe', open)).toBeNull();
    expect(signer.verify('click', open)).toBeNull();
    expect(createTokenSigner('another-secret-0123456789abc').verify('open', open)).toBeNull();
    for (const junk of ['', 'x', '../../etc/passwd', 'A'.repeat(72), `${open}A`]) expect(signer.verify('open', junk)).toBeNull();
  });

  it(`stays valid for ${TOKEN_LIFETIME_DAYS} days (at least 30), then expires`, () => {
    const issued = new Date('2026-01-01T00:00:00Z');
    const token = signer.sign('unsubscribe', claims, issued);
    expect(TOKEN_LIFETIME_DAYS).toBeGreaterThanOrEqual(30);
    expect(signer.verify('unsubscribe', token, new Date(issued.getTime() + 30 * DAY))).not.toBeNull();
    expect(signer.verify('unsubscribe', token, new Date(issued.getTime() + (TOKEN_LIFETIME_DAYS - 1) * DAY))).not.toBeNull();
    expect(signer.verify('unsubscribe', token, new Date(issued.getTime() + (TOKEN_LIFETIME_DAYS + 1) * DAY))).toBeNull();
  });
});
