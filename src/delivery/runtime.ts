import { dkimSigning } from '../config.ts';
import type { Route } from '../http/respond.ts';
import type { Job } from '../jobs/scheduler.ts';
import { dispatchJob } from '../jobs/dispatch.ts';
import { createMailTransport } from '../mail/transport.ts';
import type { Notifier } from '../notify/notifier.ts';
import type { Services } from '../services.ts';
import { createEventBuffer, type EventBuffer } from '../tracking/event-buffer.ts';
import { trackingRoutes } from '../tracking/routes.ts';
import { resolveHeraldSecret } from '../tracking/secret.ts';
import { createTokenSigner, type TokenSigner } from '../tracking/tokens.ts';
import { createTrackingUrls, publicBaseUrl } from '../tracking/urls.ts';
import { webhookRoutes } from '../webhooks/routes.ts';
import { fetchSnsCertificate, visitSubscribeUrl } from '../webhooks/ses.ts';
import { createDispatcher } from './dispatcher.ts';

/** Delivery as Herald runs it: public routes for the web role, the dispatcher for the worker role. */
export type DeliveryRuntime = {
  routes: Route[];
  signer: TokenSigner;
  events: EventBuffer;
  /** The dispatcher job; `port` is where this process listens (the tracking base when PUBLIC_URL is unset). */
  jobs(notifier: Notifier, port: number): Job[];
  /** Stores tracking events still buffered. */
  stop(): Promise<void>;
};

/** The From address when neither campaign nor account names one. */
export function defaultFromAddress(services: Services, port: number): string {
  return services.config.MAIL_FROM ?? `herald@${new URL(publicBaseUrl(services.config, port)).hostname.replace(/^127\.0\.0\.1$/, 'localhost')}`;
}

export async function createDeliveryRuntime(services: Services): Promise<DeliveryRuntime> {
  const { config, db, log } = services;
  const secret = await resolveHeraldSecret(config);
  const signer = createTokenSigner(secret);
  const events = createEventBuffer(db, log);
  const routes = [
    ...trackingRoutes({ db: db.primary, signer, events, scannerWindowSeconds: config.TRACKING_SCANNER_WINDOW_SECONDS }),
    ...webhookRoutes({
      db: db.primary,
      log,
      secret,
      softBounceLimit: config.SOFT_BOUNCE_LIMIT,
      sns: { fetchCertificate: fetchSnsCertificate, confirmSubscription: visitSubscribeUrl, topicArns: config.SES_TOPIC_ARNS },
    }),
  ];
  return {
    routes,
    signer,
    events,
    jobs(notifier, port) {
      const transport = createMailTransport({ smtpUrl: config.SMTP_URL, ratePerSecond: config.SMTP_RATE_PER_SECOND, dataDir: config.DATA_DIR, dkim: dkimSigning(config) });
      const dispatcher = createDispatcher(
        {
          db: db.primary,
          transport,
          notifier,
          log,
          urls: createTrackingUrls(publicBaseUrl(config, port), signer),
          defaultFrom: defaultFromAddress(services, port),
          unsubscribeMailto: config.UNSUBSCRIBE_MAILTO,
        },
        {
          accountRatePerSecond: config.SMTP_ACCOUNT_RATE_PER_SECOND,
          ratePerSecond: config.SMTP_RATE_PER_SECOND,
          deliveredOnAcceptance: config.DELIVERED_ON === 'acceptance',
          scheduleGraceMinutes: config.SCHEDULE_GRACE_MINUTES,
        },
      );
      return [dispatchJob(dispatcher, transport)];
    },
    stop: () => events.stop(),
  };
}
