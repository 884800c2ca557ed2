import { BlockList } from 'node:net';

/**
 * Which opens and clicks a person made. An event is flagged machine (stored with
 * metadata.machine = true, never counted as a unique open or click by the stats trigger)
 * when any of these holds:
 *  1. its user agent is empty or names a bot, scanner, link checker or HTTP library;
 *  2. it is an open from Apple's network 17.0.0.0/8: Mail Privacy Protection fetches every
 *     image when a message arrives, whether or not anyone reads it;
 *  3. it comes within TRACKING_SCANNER_WINDOW_SECONDS (default 10) of the send (the token's issue
 *     time): security gateways fetch every link and image as the message passes through, no
 *     person is that fast;
 *  4. it is a HEAD request (link checkers).
 * Gmail's image proxy (GoogleImageProxy) fetches when the person opens, so it counts as human.
 */
const MACHINE_AGENTS =
  /bot\b|bot\/|crawl|spider|slurp|preview|scanner|scan\/|validator|checker|monitor|curl\/|wget|python-|httpclient|go-http-client|java\/|okhttp|node-fetch|undici|axios|headless|phantom|barracuda|proofpoint|mimecast|safelinks|urldefense|symantec|forcepoint|trendmicro|fortiguard|cisco/i;

const APPLE_NETWORK = new BlockList();
APPLE_NETWORK.addSubnet('17.0.0.0', 8, 'ipv4');

export type Hit = {
  kind: 'open' | 'click';
  method: string;
  userAgent: string | undefined;
  ip: string | undefined;
  issuedAt: Date;
  now: Date;
};

/** The rule that marks the hit as machine made, or null for a person. */
export function machineReason(hit: Hit, scannerWindowSeconds: number): string | null {
  if (hit.method === 'HEAD') return 'head-request';
  if (!hit.userAgent?.trim() || MACHINE_AGENTS.test(hit.userAgent)) return 'user-agent';
  if (hit.kind === 'open' && hit.ip && isAppleNetwork(hit.ip)) return 'apple-privacy-proxy';
  if ((hit.now.getTime() - hit.issuedAt.getTime()) / 1000 < scannerWindowSeconds) return 'too-soon-after-send';
  return null;
}

function isAppleNetwork(ip: string): boolean {
  const v4 = ip.startsWith('::ffff:') ? ip.slice('::ffff:'.length) : ip;
  return APPLE_NETWORK.check(v4, 'ipv4');
}

/** Coarse device class for email_events.device_type. */
export function deviceType(userAgent: string | undefined, machine: boolean): string {
  if (machine) return 'machine';
  if (!userAgent) return 'unknown';
  if (/ipad|tablet|kindle|silk/i.test(userAgent)) return 'tablet';
  if (/mobi|iphone|android|windows phone/i.test(userAgent)) return 'mobile';
  if (/googleimageproxy|yahoomailproxy/i.test(userAgent)) return 'webmail-proxy';
  return 'desktop';
}
