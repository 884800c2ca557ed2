import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { DkimSigning } from '../config.ts';
import { mailOptions, type OutgoingMessage } from './message.ts';

export type MailTransport = {
  /** 'smtp' relays through SMTP_URL; 'outbox' writes .eml files (no network, fresh installs). */
  kind: 'smtp' | 'outbox';
  /** Resolves with the server's reply when the message was accepted; rejects with nodemailer's error otherwise. */
  send(message: OutgoingMessage): Promise<{ response: string }>;
  close(): Promise<void>;
};

export type TransportOptions = {
  smtpUrl?: string;
  /** global messages per second through the pool */
  ratePerSecond: number;
  /** where the outbox is: DATA_DIR/outbox */
  dataDir: string;
  maxConnections?: number;
  /** signs every message; nodemailer's default signed headers include List-Id, List-Unsubscribe and List-Unsubscribe-Post (RFC 8058) */
  dkim?: DkimSigning;
};

export function createMailTransport(options: TransportOptions): MailTransport {
  return options.smtpUrl ? smtpTransport(options.smtpUrl, options) : outboxTransport(join(options.dataDir, 'outbox'), options.dkim);
}

/** nodemailer's rate limit counts messages per window: whole messages per second, or one per longer window. */
function rateWindow(perSecond: number): { rateLimit: number; rateDelta: number } {
  return perSecond >= 1 ? { rateLimit: Math.floor(perSecond), rateDelta: 1000 } : { rateLimit: 1, rateDelta: Math.ceil(1000 / perSecond) };
}

function smtpTransport(url: string, options: TransportOptions): MailTransport {
  const pool = nodemailer.createTransport({
    pool: true,
    url,
    maxConnections: options.maxConnections ?? 5,
    maxMessages: 100,
    ...rateWindow(options.ratePerSecond),
    // the pool re-sends a message itself only when not a byte of it reached the server
    // (a reused connection closed before the send, a close before the greeting): safe for at-most-once
    maxRequeues: 3,
    dkim: options.dkim,
  });
  return {
    kind: 'smtp',
    async send(message) {
      const info = await pool.sendMail(mailOptions(message));
      return { response: info.response };
    },
    async close() {
      pool.close();
    },
  };
}

function outboxTransport(dir: string, dkim: DkimSigning | undefined): MailTransport {
  const stream = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix', dkim });
  return {
    kind: 'outbox',
    async send(message) {
      const info = await stream.sendMail(mailOptions(message));
      await mkdir(dir, { recursive: true });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${message.messageId.replace(/[^A-Za-z0-9.@-]/g, '')}.eml`;
      await writeFile(join(dir, name), info.message as Buffer);
      return { response: `250 written to ${name}` };
    },
    async close() {},
  };
}
