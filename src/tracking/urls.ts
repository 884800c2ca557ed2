import type { TokenClaims, TokenSigner } from './tokens.ts';

export type TrackingUrls = {
  /** The public base every tracking URL starts with (links to it are never rewritten). */
  base: string;
  open(claims: TokenClaims): string;
  click(claims: TokenClaims, linkId: bigint): string;
  unsubscribe(claims: TokenClaims): string;
};

/** URLs of the public routes in src/tracking/routes.ts, carrying signed tokens. */
export function createTrackingUrls(publicUrl: string, signer: TokenSigner): TrackingUrls {
  const base = publicUrl.replace(/\/+$/, '');
  return {
    base,
    open: (claims) => `${base}/t/o/${signer.sign('open', claims)}`,
    click: (claims, linkId) => `${base}/t/c/${signer.sign('click', { ...claims, linkId })}`,
    unsubscribe: (claims) => `${base}/u/${signer.sign('unsubscribe', claims)}`,
  };
}

/** PUBLIC_URL, or this process's own address when it is not set (fine on one machine, not for real mail). */
export function publicBaseUrl(config: { PUBLIC_URL?: string; PORT: number }, port = config.PORT): string {
  return config.PUBLIC_URL ?? `http://127.0.0.1:${port}`;
}
