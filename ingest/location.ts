/**
 * Telling locations apart and showing them safely. A location is what a source's `url` says:
 * an http(s) URL, a file:// URL or a local path.
 */

/** `scheme:` at the start, but not a Windows drive letter (`C:\docs\x.md`). */
const SCHEME = /^([a-z][a-z0-9+.-]*):/i;

/** The URL scheme of a location in lower case (`https`, `file`, `ftp`), or null for a plain path. */
export function schemeOf(location: string): string | null {
  const match = SCHEME.exec(location);
  if (!match || /^[a-z]:[\\/]/i.test(location)) return null;
  return match[1]!.toLowerCase();
}

/**
 * The location without any `user:password@` part, for messages, logs and RawDocument.location:
 * a secret in a URL must not end up in an alert, a snapshot or a terminal.
 */
export function redactLocation(location: string): string {
  try {
    const url = new URL(location);
    if (!url.username && !url.password) return location;
    url.username = '';
    url.password = '';
    return url.href;
  } catch {
    // Not a URL we can parse: still drop anything that looks like credentials.
    return location.replace(/\/\/[^/?#]*@/, '//');
  }
}
