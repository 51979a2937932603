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
