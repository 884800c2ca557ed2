import { Transform } from 'node:stream';

/** A pass-through stream that counts the bytes flowing through, so progress can say how far it got. */
export function byteCounter(): Transform & { bytes: () => number } {
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  return Object.assign(counter, { bytes: () => bytes });
}
