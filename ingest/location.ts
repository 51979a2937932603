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
 * Query parameters whose value is a credential by name: the name, or its last word
 * (`access_token`, `X-Amz-Signature`, `apiKey`, `client.secret`), is one of these: tokens and
 * keys (`token`, `jwt`, `key`, `apikey`, `access`), signatures of signed storage URLs (`sig`,
 * `signature`), passwords (`pass`, `password`, `pwd`, ...), `secret`, `auth`, `code`,
 * `credential`, `session`. Other parameters (the Microsoft 365 service's `clientrequestid`)
 * are kept, so a message still says which URL failed.
 */
const SECRET_WORDS = new Set([
  'token',
  'accesstoken',
  'authtoken',
  'jwt',
  'bearer',
  'key',
  'apikey',
  'accesskey',
  'access',
  'sig',
  'signature',
  'pass',
  'passwd',
  'password',
  'passphrase',
  'pwd',
  'pw',
  'secret',
  'auth',
  'authorization',
  'code',
  'credential',
  'credentials',
  'session',
  'sessionid',
]);

/** Whether a query parameter's value is a credential, by the parameter's name. */
export function isSecretParam(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  const last = words.at(-1)?.toLowerCase();
  return SECRET_WORDS.has(name.toLowerCase()) || (last !== undefined && SECRET_WORDS.has(last));
}

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
        isSecretParam(name.slice(1, -1)) ? `${name}${REDACTED}` : whole,
      );
  }
  const secretParams = [...url.searchParams.keys()].filter((name) => isSecretParam(name));
  if (!url.username && !url.password && secretParams.length === 0) return location;
  url.username = '';
  url.password = '';
  for (const name of new Set(secretParams)) url.searchParams.set(name, REDACTED);
  return url.href;
}
