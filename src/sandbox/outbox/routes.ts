import { sendJson, type Route } from '../../http/respond.ts';
import { onlyFromSandboxPage } from '../browser/guard.ts';
import { sendPage } from '../browser/routes.ts';
import type { SandboxContext } from '../context.ts';
import { listEmails, readEmail } from './mailbox.ts';
import { framedEmail, renderEmail, renderOutbox } from './pages.ts';

const SHOWN = 200;

/** The email is someone else's markup: no scripts, no same-origin access, images and styles allowed. */
const EMAIL_POLICY =
  "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; img-src http: https: data:; style-src 'unsafe-inline' http: https:; font-src http: https: data:";

/** /sandbox/outbox: what the file outbox wrote, readable like a mail client with live tracking links. */
export function outboxRoutes(ctx: SandboxContext): Route[] {
  const guarded = (route: Route) => onlyFromSandboxPage(ctx, route);
  return [
    guarded({
      path: '/sandbox/outbox',
      method: 'GET',
      handler: async (_req, res) => sendPage(res, renderOutbox(await listEmails(ctx.outboxDir, SHOWN)).value),
    }),
    guarded({
      path: '/sandbox/outbox/:name',
      method: 'GET',
      handler: async (req, res) => {
        const email = await readEmail(ctx.outboxDir, String(req.params?.name ?? ''));
        if (!email) return sendJson(res, 404, { error: 'no such email' });
        sendPage(res, renderEmail(email).value);
      },
    }),
    guarded({
      path: '/sandbox/outbox/:name/html',
      method: 'GET',
      handler: async (req, res) => {
        const email = await readEmail(ctx.outboxDir, String(req.params?.name ?? ''));
        if (!email?.html) return sendJson(res, 404, { error: 'no HTML part' });
        sendPage(res, framedEmail(email.html), EMAIL_POLICY);
      },
    }),
  ];
}
