/**
 * What a failed send means for the ledger:
 * - 'failed': the server refused the message for good (5xx, except 503): not retried.
 * - 'retry':  the server refused for now (4xx), or we never reached it (connection refused,
 *             DNS, the pool gave up on a connection that closed before a byte was sent).
 * - 'unknown': the connection broke while the message was in flight; the server may have
 *             accepted it, so it is never sent again automatically (at most once).
 */
export type SendFailure = { outcome: 'failed' | 'retry' | 'unknown'; reason: string };

type SmtpError = Error & { code?: string; originalCode?: string; responseCode?: number; command?: string; response?: string };

const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EDNS', 'ETLS', 'EAUTH']);

export function classifySendError(error: unknown): SendFailure {
  const err = (error instanceof Error ? error : new Error(String(error))) as SmtpError;
  const reason = (err.response ?? err.message).slice(0, 500);
  if (typeof err.responseCode === 'number') {
    const permanent = err.responseCode >= 500 && err.responseCode !== 503;
    return { outcome: permanent ? 'failed' : 'retry', reason };
  }
  if (NEVER_CONNECTED.has(err.originalCode ?? '') || NEVER_CONNECTED.has(err.code ?? '')) return { outcome: 'retry', reason };
  // nodemailer's pool fails a message this way only after re-queueing it because nothing was sent
  if (err.code === 'ECONNECTION' && err.command === undefined && /maximum number of retries/i.test(err.message)) {
    return { outcome: 'retry', reason };
  }
  return { outcome: 'unknown', reason };
}
