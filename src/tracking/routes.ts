import type { ServerResponse } from 'node:http';
import { findCampaignLink } from '../db/links.ts';
import type { DatabasePool } from '../db/pool.ts';
import { PayloadTooLargeError, readBody, sendHtml, type Route, type RouteRequest } from '../http/respond.ts';
import { isTrackable } from '../mail/links.ts';
import type { EventBuffer } from './event-buffer.ts';
import { deviceType, machineReason } from './machine.ts';
import { createRepeatLimit } from './repeat-limit.ts';
import { confirmUnsubscribePage, invalidLinkPage, testSendPage, unsubscribedPage } from './pages.ts';
import type { TokenSigner, VerifiedToken } from './tokens.ts';
import { unsubscribe, unsubscribeTarget } from './unsubscribe.ts';

// 1×1 transparent GIF
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
/** RFC 8058 bodies are one short form field; anything long is not a mail client. */
const UNSUBSCRIBE_BODY_LIMIT = 4 * 1024;
/** The token that test sends carry in their unsubscribe link (see src/delivery/send-test.ts). */
export const TEST_SEND_TOKEN = 'test-send';
/** Events one open or click link stores per minute at most. */
const EVENTS_PER_LINK_PER_MINUTE = 10;

export type TrackingRouteDeps = {
  db: DatabasePool;
  signer: TokenSigner;
  events: EventBuffer;
  /** opens and clicks this soon after sending are a gateway's, not a person's (src/tracking/machine.ts) */
  scannerWindowSeconds: number;
};

function tokenOf(req: RouteRequest): string {
  const token = req.params?.token;
  return typeof token === 'string' ? token : '';
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end('Not found');
}

/** Reads a body, answering 413 when it is over the limit. */
export async function bodyWithin(req: RouteRequest, res: ServerResponse, limit: number): Promise<Buffer | null> {
  try {
    return await readBody(req, limit);
  } catch (error) {
    if (!(error instanceof PayloadTooLargeError)) throw error;
    res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
    res.end('Request body too large');
    return null;
  }
}

/** The event of an open or click, with what the request tells about who made it. */
function trackingEvent(deps: TrackingRouteDeps, req: RouteRequest, token: VerifiedToken, kind: 'open' | 'click') {
  const userAgent = req.headers['user-agent'];
  const ip = req.socket.remoteAddress;
  const now = new Date();
  const reason = machineReason({ kind, method: req.method ?? 'GET', userAgent, ip, issuedAt: token.issuedAt, now }, deps.scannerWindowSeconds);
  return {
    userId: token.userId,
    campaignId: token.campaignId,
    contactId: token.contactId,
    userAgent: userAgent ?? null,
    ip: ip ?? null,
    deviceType: deviceType(userAgent, reason !== null),
    metadata: reason ? { machine: true, machine_reason: reason } : {},
    at: now,
  };
}

/**
 * The public routes of email links: open pixel, click redirect, unsubscribe. A token that
 * does not verify gets 404 and nothing is written. Opens and clicks go through the event
 * buffer, up to EVENTS_PER_LINK_PER_MINUTE a link; an unsubscribe is written before the
 * page says it is done.
 */
export function trackingRoutes(deps: TrackingRouteDeps): Route[] {
  const repeats = createRepeatLimit({ perWindow: EVENTS_PER_LINK_PER_MINUTE, windowMs: 60_000, maxKeys: 100_000 });
  return [
    {
      path: '/t/o/:token',
      method: ['GET', 'HEAD'],
      handler: (req, res) => {
        const token = deps.signer.verify('open', tokenOf(req));
        if (!token) return notFound(res);
        if (repeats.allow(`o/${tokenOf(req)}`)) deps.events.record({ ...trackingEvent(deps, req, token, 'open'), type: 'opened' });
        res.writeHead(200, { 'content-type': 'image/gif', 'content-length': PIXEL.length, 'cache-control': 'no-store, private' });
        res.end(req.method === 'HEAD' ? undefined : PIXEL);
      },
    },
    {
      path: '/t/c/:token',
      method: ['GET', 'HEAD'],
      handler: async (req, res) => {
        const token = deps.signer.verify('click', tokenOf(req));
        if (!token?.linkId) return notFound(res);
        const link = await findCampaignLink(deps.db, { userId: token.userId, campaignId: token.campaignId }, token.linkId);
        if (!link || !isTrackable(link.url)) return notFound(res);
        if (repeats.allow(`c/${tokenOf(req)}`)) {
          deps.events.record({ ...trackingEvent(deps, req, token, 'click'), type: 'clicked', linkUrl: link.url, linkText: link.link_text });
        }
        // percent-encoded (host in punycode): a header cannot carry the non-ASCII a template may have written
        res.writeHead(302, { location: new URL(link.url).href, 'cache-control': 'no-store, private', 'referrer-policy': 'no-referrer' });
        res.end();
      },
    },
    {
      path: '/u/:token',
      method: ['GET', 'POST'],
      handler: async (req, res) => {
        if (tokenOf(req) === TEST_SEND_TOKEN) return sendHtml(res, 200, testSendPage());
        const token = deps.signer.verify('unsubscribe', tokenOf(req));
        const target = token ? await unsubscribeTarget(deps.db, token) : null;
        if (!token || !target) return sendHtml(res, 404, invalidLinkPage());
        // GET only asks: mail scanners follow links, and must never unsubscribe anyone
        if (req.method !== 'POST') return sendHtml(res, 200, confirmUnsubscribePage(target.email));
        if (!(await bodyWithin(req, res, UNSUBSCRIBE_BODY_LIMIT))) return;
        await unsubscribe(deps.db, token, { userAgent: req.headers['user-agent'], ip: req.socket.remoteAddress });
        sendHtml(res, 200, unsubscribedPage(target.email));
      },
    },
  ];
}
