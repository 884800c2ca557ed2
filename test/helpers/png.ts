/** Finds a PNG in bytes (a raw file or a multipart body) and decodes its IHDR header. */
export function decodePngHeader(bytes: Buffer): { width: number; height: number; bitDepth: number; colorType: number } {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const start = bytes.indexOf(signature);
  if (start < 0) throw new Error('no PNG signature in the bytes');
  const ihdr = start + 8;
  if (bytes.toString('ascii', ihdr + 4, ihdr + 8) !== 'IHDR') throw new Error('PNG without IHDR chunk first');
  return {
    width: bytes.readUInt32BE(ihdr + 8),
    height: bytes.readUInt32BE(ihdr + 12),
    bitDepth: bytes.readUInt8(ihdr + 16),
    colorType: bytes.readUInt8(ihdr + 17),
  };
}
