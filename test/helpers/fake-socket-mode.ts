import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * Slack's side of a Socket Mode connection, on 127.0.0.1: apps.connections.open (the Web
 * API call the client opens with; point the app's slackApiUrl at `apiUrl`) answers a
 * WebSocket address, where the fake says hello (the client's start resolves) and answers
 * the client's close. No events are sent.
 */
export async function startFakeSocketMode() {
  const opened: string[] = [];
  const refusals: string[] = [];
  const sockets = new Set<Socket>();
  let base = '';

  const server = createServer((req, res) => {
    opened.push(req.url ?? '');
    const refusal = refusals.shift();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(refusal ? { ok: false, error: refusal } : { ok: true, url: `${base.replace('http', 'ws')}/link` }));
  });
  server.on('upgrade', (req, socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    socket.write(textFrame(JSON.stringify({ type: 'hello', num_connections: 1 })));
    socket.on('data', (data: Buffer) => {
      if ((data[0]! & 0x0f) === 0x8) socket.end(Buffer.from([0x88, 0x00])); // the client's close frame: close too
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl: `${base}/api/`,
    /** How many times a client asked for a connection. */
    opened: () => opened.length,
    /** The next apps.connections.open answers this Slack error (invalid_auth: the client gives up). */
    refuseNext(error: string) {
      refusals.push(error);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A WebSocket text frame from the server (unmasked), for payloads under 126 bytes. */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  return Buffer.concat([Buffer.from([0x81, payload.length]), payload]);
}
