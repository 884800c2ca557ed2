import type { DatabasePool } from '../db/pool.ts';
import { sendJson, type Route, type RouteRequest } from '../http/respond.ts';
import type { Logger } from '../log.ts';
import { bodyWithin } from '../tracking/routes.ts';
import { applyProviderEvent, type Applied, type ProviderEvent } from './apply.ts';
import { parseGenericBody, SIGNATURE_HEADER, verifyGenericSignature } from './generic.ts';
import { isSnsUrl, sesEvent, type SnsOptions, type SnsVerifier, createSnsVerifier } from './ses.ts';

/** Provider reports are small; SNS messages stay under 256 KB. */
export const WEBHOOK_BODY_LIMIT = 256 * 1024;

export type WebhookDeps = {
  db: DatabasePool;
  log: Logger;
  /** HERALD_SECRET: the key of generic webhook signatures */
  secret: string;
  softBounceLimit: number;
  sns: SnsOptions;
};

/**
 * POST /webhooks/:provider (generic | ses). Nothing is written unless the request's
 * signature verifies: an unsigned or forged request gets 401.
 */
export function webhookRoutes(deps: WebhookDeps): Route[] {
  const verifySns = createSnsVerifier(deps.sns);
  return [
    {
      path: '/webhooks/:provider',
      method: 'POST',
      handler: async (req, res) => {
        const provider = req.params?.provider;
        if (provider !== 'generic' && provider !== 'ses') return sendJson(res, 404, { error: 'unknown provider' });
        const body = await bodyWithin(req, res, WEBHOOK_BODY_LIMIT);
        if (!body) return;
        const result = provider === 'generic' ? await generic(deps, req, body) : await ses(deps, verifySns, body);
        sendJson(res, result.status, result.body);
      },
    },
  ];
}

type Reply = { status: number; body: Record<string, unknown> };

async function applyAll(deps: WebhookDeps, source: string, events: readonly ProviderEvent[]): Promise<Reply> {
  const results: Applied[] = [];
  for (const event of events) results.push(await applyProviderEvent(deps.db, source, event, deps.softBounceLimit));
  return { status: 200, body: { results } };
}

async function generic(deps: WebhookDeps, req: RouteRequest, body: Buffer): Promise<Reply> {
  if (!verifyGenericSignature(deps.secret, body, req.headers[SIGNATURE_HEADER])) {
    return { status: 401, body: { error: `missing or invalid ${SIGNATURE_HEADER}` } };
  }
  const parsed = parseGenericBody(body);
  if ('error' in parsed) return { status: 400, body: { error: parsed.error } };
  return applyAll(deps, 'webhook:generic', parsed.events);
}

async function ses(deps: WebhookDeps, verifySns: SnsVerifier, body: Buffer): Promise<Reply> {
  const envelope = await verifySns(body);
  if (!envelope) return { status: 401, body: { error: 'SNS signature did not verify' } };
  if (envelope.Type === 'SubscriptionConfirmation') {
    if (!envelope.SubscribeURL || !isSnsUrl(envelope.SubscribeURL)) return { status: 400, body: { error: 'bad SubscribeURL' } };
    await deps.sns.confirmSubscription(envelope.SubscribeURL);
    deps.log.info({ topic: envelope.TopicArn }, 'confirmed the SNS subscription');
    return { status: 200, body: { confirmed: true } };
  }
  if (envelope.Type === 'UnsubscribeConfirmation') return { status: 200, body: { ignored: true } };
  const event = sesEvent(envelope);
  if (!event) return { status: 200, body: { ignored: true } };
  return applyAll(deps, 'webhook:ses', [event]);
}
