import { createHmac, createSecretKey, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * Signed tokens in tracking, click and unsubscribe URLs. A token binds its purpose, the
 * account, the campaign and the contact (and, for clicks, the link) with an HMAC-SHA256
 * truncated to 128 bits, so none of them can be changed without HERALD_SECRET. Tokens carry
 * their issue time and stay valid for TOKEN_LIFETIME_DAYS (well over the 30 days the law
 * asks of unsubscribe links). Layout (then base64url):
 *   version(1) purpose(1) account uuid(16) campaign(8) contact(8) [link(8)] issued-at seconds(4) mac(16)
 */
export const TOKEN_LIFETIME_DAYS = 400;

const VERSION = 1;
const PURPOSES = { open: 1, click: 2, unsubscribe: 3 } as const;
export type TokenPurpose = keyof typeof PURPOSES;

const MAC_BYTES = 16;
const HEADER_BYTES = 2 + 16 + 8 + 8;
const DAY_SECONDS = 86_400;

export type TokenClaims = {
  userId: string;
  campaignId: bigint;
  contactId: bigint;
  /** click tokens only */
  linkId?: bigint;
};

export type VerifiedToken = TokenClaims & { purpose: TokenPurpose; issuedAt: Date };

export type TokenSigner = {
  sign(purpose: TokenPurpose, claims: TokenClaims, issuedAt?: Date): string;
  /** The claims, or null when the token is malformed, forged, of another purpose or expired. */
  verify(purpose: TokenPurpose, token: string, now?: Date): VerifiedToken | null;
};

export function createTokenSigner(secret: string): TokenSigner {
  // a key of its own, so a token MAC can never double as a webhook signature
  // (a KeyObject, prepared once: a raw key would be imported again on every HMAC)
  const key = createSecretKey(Buffer.from(hkdfSync('sha256', secret, '', 'herald tracking tokens v1', 32)));
  const mac = (body: Buffer) => createHmac('sha256', key).update(body).digest().subarray(0, MAC_BYTES);

  return {
    sign(purpose, claims, issuedAt = new Date()) {
      const body = encodeBody(purpose, claims, issuedAt);
      return Buffer.concat([body, mac(body)]).toString('base64url');
    },
    verify(purpose, token, now = new Date()) {
      if (!/^[A-Za-z0-9_-]{20,200}$/.test(token)) return null;
      const bytes = Buffer.from(token, 'base64url');
      // one spelling per token: base64url decoding would ignore stray trailing characters
      if (bytes.toString('base64url') !== token) return null;
      const body = bytes.subarray(0, bytes.length - MAC_BYTES);
      const given = bytes.subarray(bytes.length - MAC_BYTES);
      if (body.length !== bodyLength(purpose) || !timingSafeEqual(given, mac(body))) return null;
      if (body.readUInt8(0) !== VERSION || body.readUInt8(1) !== PURPOSES[purpose]) return null;
      const decoded = decodeBody(purpose, body);
      const ageSeconds = (now.getTime() - decoded.issuedAt.getTime()) / 1000;
      if (ageSeconds > TOKEN_LIFETIME_DAYS * DAY_SECONDS || ageSeconds < -DAY_SECONDS) return null;
      return decoded;
    },
  };
}

function bodyLength(purpose: TokenPurpose): number {
  return HEADER_BYTES + (purpose === 'click' ? 8 : 0) + 4;
}

function encodeBody(purpose: TokenPurpose, claims: TokenClaims, issuedAt: Date): Buffer {
  if (purpose === 'click' && claims.linkId === undefined) throw new Error('a click token needs a link id');
  const body = Buffer.alloc(bodyLength(purpose));
  body.writeUInt8(VERSION, 0);
  body.writeUInt8(PURPOSES[purpose], 1);
  Buffer.from(claims.userId.replaceAll('-', ''), 'hex').copy(body, 2);
  body.writeBigUInt64BE(claims.campaignId, 18);
  body.writeBigUInt64BE(claims.contactId, 26);
  let offset = HEADER_BYTES;
  if (purpose === 'click') {
    body.writeBigUInt64BE(claims.linkId!, offset);
    offset += 8;
  }
  body.writeUInt32BE(Math.floor(issuedAt.getTime() / 1000), offset);
  return body;
}

function decodeBody(purpose: TokenPurpose, body: Buffer): VerifiedToken {
  const hex = body.subarray(2, 18).toString('hex');
  const userId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return {
    purpose,
    userId,
    campaignId: body.readBigUInt64BE(18),
    contactId: body.readBigUInt64BE(26),
    linkId: purpose === 'click' ? body.readBigUInt64BE(HEADER_BYTES) : undefined,
    issuedAt: new Date(body.readUInt32BE(body.length - 4) * 1000),
  };
}
