import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/**
 * A real SMTP server on 127.0.0.1 (smtp-server), recording what it accepted. Behaviour is
 * scripted per recipient: refuse RCPT TO with a code, or drop the connection after the
 * whole message was transmitted (before answering, so the client cannot know the outcome).
 */
export type Received = {
  to: string;
  from: string;
  /** the client's EHLO name (tells concurrent dispatchers apart) */
  ehlo: string;
  /** parsed with mailparser unless the sink was started with parse: false */
  mail?: ParsedMail;
  /** the message as transmitted (dot-unstuffed), unless parse: false */
  raw?: Buffer;
};

export type Refusal = { code: number; message: string };

export type SinkScript = {
  /** an SMTP reply refusing this recipient, or undefined to accept it */
  rcpt?: (address: string) => Refusal | undefined;
  /** true: read the message, then close the connection without a reply */
  dropAfterData?: (address: string) => boolean;
  /** holds the reply to a message (the client waits for it) until the promise resolves; resolving with a reply refuses the message with it */
  hold?: (message: { to: string; ehlo: string }) => Promise<void | Refusal>;
  parse?: boolean;
};

export type SmtpSink = Awaited<ReturnType<typeof startSmtpSink>>;

export async function startSmtpSink(script: SinkScript = {}) {
  const received: Received[] = [];
  const dropped: string[] = [];
  const refusals: Array<{ to: string; code: number }> = [];
  const server: SMTPServer = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 10 * 1024 * 1024,
    onRcptTo(address, _session, callback) {
      const refusal = script.rcpt?.(address.address);
      if (!refusal) return callback();
      callback(refuse(address.address, refusal));
    },
    onData(stream, session, callback) {
      const to = session.envelope.rcptTo.map((r) => r.address).join(',');
      const parsing = script.parse === false ? drain(stream) : readAll(stream).then(async (raw) => ({ raw, mail: await simpleParser(raw) }));
      parsing.then(
        async (message) => {
          if (script.dropAfterData?.(to)) {
            dropped.push(to);
            return destroyConnection(server, session);
          }
          const refusal = await script.hold?.({ to, ehlo: session.hostNameAppearsAs });
          if (refusal) return callback(refuse(to, refusal));
          received.push({
            to,
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            ehlo: session.hostNameAppearsAs,
            mail: message?.mail,
            raw: message?.raw,
          });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  function refuse(to: string, refusal: Refusal): Error {
    refusals.push({ to, code: refusal.code });
    return Object.assign(new Error(refusal.message), { responseCode: refusal.code });
  }
  // clients that die mid-session (a killed dispatcher) reset their connections: expected here
  const connectionErrors: Error[] = [];
  server.on('error', (error) => connectionErrors.push(error));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    /** an SMTP_URL for this sink; `name` becomes the client's EHLO name */
    url: (name = 'herald-test') => `smtp://127.0.0.1:${port}/?name=${encodeURIComponent(name)}`,
    received,
    dropped,
    refusals,
    connectionErrors,
    /** how many messages each address received */
    countsByAddress(): Map<string, number> {
      const counts = new Map<string, number>();
      for (const r of received) counts.set(r.to, (counts.get(r.to) ?? 0) + 1);
      return counts;
    },
    to: (address: string) => received.filter((r) => r.to === address),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function drain(stream: NodeJS.ReadableStream): Promise<undefined> {
  for await (const _chunk of stream);
  return undefined;
}

/** Closes the session's TCP connection mid-transaction (smtp-server keeps its connections in a Set). */
function destroyConnection(server: SMTPServer, session: SMTPServerSession): void {
  const connections = (server as unknown as { connections: Set<{ id: string; _socket: { destroy(): void } }> }).connections;
  for (const connection of connections) if (connection.id === session.id) connection._socket.destroy();
}
