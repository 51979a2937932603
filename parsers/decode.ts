/**
 * Bytes to text. Documentation sites and git checkouts hand us UTF-8 (with or without a BOM)
 * and, now and then, UTF-16 with a BOM; everything else is read as UTF-8 with replacement
 * characters rather than failing, because one odd byte must not hide a hundred IPs.
 */
export function decodeDocument(body: Buffer): string {
  if (body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) {
    return body.subarray(3).toString('utf8');
  }
  if (body.length >= 2 && body[0] === 0xff && body[1] === 0xfe) {
    return new TextDecoder('utf-16le').decode(body.subarray(2));
  }
  if (body.length >= 2 && body[0] === 0xfe && body[1] === 0xff) {
    return new TextDecoder('utf-16be').decode(body.subarray(2));
  }
  return new TextDecoder('utf-8').decode(body).replace(/^\uFEFF/, '');
}

/** Signatures of compressed or archive formats, which no parser reads as text. */
const COMPRESSED: Array<{ name: string; magic: number[] }> = [
  { name: 'gzip', magic: [0x1f, 0x8b] },
  { name: 'zstd', magic: [0x28, 0xb5, 0x2f, 0xfd] },
  { name: 'xz', magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { name: 'bzip2', magic: [0x42, 0x5a, 0x68] },
  { name: 'zip', magic: [0x50, 0x4b, 0x03, 0x04] },
];

/** The compression format `body` starts with (`gzip`, `zip`, ...), or null for anything else. */
export function compressionOf(body: Uint8Array): string | null {
  for (const { name, magic } of COMPRESSED) {
    if (body.length >= magic.length && magic.every((byte, i) => body[i] === byte)) {
      // "BZh" is also how a text could start: bzip2 adds a block size digit and a block magic.
      if (name === 'bzip2' && !(body[3]! >= 0x31 && body[3]! <= 0x39 && body[4] === 0x31 && body[5] === 0x41)) continue;
      return name;
    }
  }
  return null;
}
