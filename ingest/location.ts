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
 * Query parameters whose value is a credential by name: `?token=`, `access_token`, `api_key`,
 * `apikey`, `sig` and `signature` (signed storage URLs), `password`, `secret`, `auth`, `code`,
 * `credential`, `session`. Other parameters (the Microsoft 365 service's `clientrequestid`) are
 * kept, so a message still says which URL failed.
 */
const SECRET_PARAM =
  /^(?:.*[_-])?(?:token|key|apikey|sig|signature|password|passwd|pwd|secret|auth|authorization|code|credentials?|session)$/i;

/** Shown instead of a redacted query value. */
export const REDACTED = 'REDACTED';

/**
 * The location without any `user:password@` part and with the values of credential-like query
 * parameters replaced, for messages, logs and RawDocument.location: a secret in a URL must not
 * end up in an alert, a snapshot or a terminal.
 */
export function redactLocation(location: string): string {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    // Not a URL we can parse: still drop anything that looks like credentials.
    return location
      .replace(/\/\/[^/?#]*@/, '//')
      .replace(/([?&][^=&#\s]*=)[^&#\s]*?(?=:?(?:[&#\s]|$))/g, (whole, name: string) =>
        SECRET_PARAM.test(name.slice(1, -1)) ? `${name}${REDACTED}` : whole,
      );
  }
  const secretParams = [...url.searchParams.keys()].filter((name) => SECRET_PARAM.test(name));
  if (!url.username && !url.password && secretParams.length === 0) return location;
  url.username = '';
  url.password = '';
  for (const name of new Set(secretParams)) url.searchParams.set(name, REDACTED);
  return url.href;
}
