/**
 * A stand-in SMTP server: a real `SMTPServer` (smtp-server) on 127.0.0.1, random port, no
 * TLS, any login accepted (or only the given users), recording every message it accepts.
 *
 *   const smtp = await startSmtpStub();
 *   smtp.rejectNext(1, 451);            // next message: "451 try again later"
 *   // ... send to smtp.url({ user: 'alerts', pass: 's3cret' }) ...
 *   assert.equal(smtp.messages[0]?.subject, '...');
 *   await smtp.outage();                // now: connection refused
 *   await smtp.recover();               // same port, accepting again
 *   await smtp.close();
 *
 * Messages are split with a small MIME reader (headers, RFC 2047 words, multipart,
 * quoted-printable, base64): enough for what nodemailer writes, not a general mail parser.
 */
import { SMTPServer, type SMTPServerAuthentication } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  /** The login used for the session, if any. */
  auth: { username: string; password: string } | null;
  /** The message as received (CRLF line ends). */
  raw: string;
  /** Top-level headers, names in lower case, folded lines joined, encoded words decoded. */
  headers: Record<string, string>;
  subject: string;
  /** The first text/plain part (or the body of a single-part text message), decoded. */
  text: string | null;
  /** The first text/html part, decoded. */
  html: string | null;
}

export interface SmtpStubOptions {
  /** Accept only these logins (user -> password); default: any login, or none. */
  users?: Record<string, string>;
}

export interface SmtpStub {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `smtp://[user:pass@]127.0.0.1:port` (user and pass are URL-encoded here). */
  url(auth?: { user: string; pass: string }): string;
  /** Messages accepted, in order. */
  readonly messages: ReceivedMail[];
  /** Every DATA transaction the stub saw, accepted or rejected. */
  readonly attempts: number;
  /** Logins attempted (successful or not). */
  readonly logins: Array<{ username: string; password: string }>;
  /** Answers the next `count` messages with `code` (451: try later, 550: refused) instead of accepting. */
  rejectNext(count: number, code: number, text?: string): void;
  /**
   * Takes the next `count` messages in and never answers them (an SMTP server that hangs after
   * DATA); `onHang` runs when one arrives. They are not in `messages`.
   */
  hangNext(count: number, onHang?: () => void): void;
  /** Hung messages whose client gave up (closed the connection): a timeout seen from the server. */
  readonly hangsEnded: number;
  /**
   * Takes the next `count` messages in (they are in `messages` at once) and answers only after
   * `ms`: a slow server that has the message while its client may already have timed out.
   */
  delayNext(count: number, ms: number): void;
  /** Stops listening (clients get connection refused) until `recover()`. */
  outage(): Promise<void>;
  /** Listens again on the same port. */
  recover(): Promise<void>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Small MIME reader

interface MimePart {
  headers: Record<string, string>;
  body: string;
}

/** Decodes RFC 2047 encoded words (=?utf-8?Q?...?= / =?utf-8?B?...?=) in a header value. */
export function decodeEncodedWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[bq]\?[^?]*\?=)\s+(?==\?[^?]+\?[bq]\?[^?]*\?=)/gi, '$1')
    .replace(/=\?([^?]+)\?([bq])\?([^?]*)\?=/gi, (_whole, charset: string, encoding: string, text: string) => {
      const bytes =
        encoding.toLowerCase() === 'b'
          ? Buffer.from(text, 'base64')
          : Buffer.from(
              text
                .replace(/_/g, ' ')
                .replace(/=([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
              'latin1',
            );
      return new TextDecoder(charset.split('*')[0]).decode(bytes);
    });
}

function parsePart(raw: string): MimePart {
  const text = raw.replace(/\r\n/g, '\n');
  const split = text.indexOf('\n\n');
  const head = split < 0 ? text : text.slice(0, split);
  const body = split < 0 ? '' : text.slice(split + 2);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!(name in headers)) headers[name] = decodeEncodedWords(line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function headerParam(value: string, name: string): string | null {
  const match = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(value);
  return match ? (match[1] ?? match[2] ?? null) : null;
}

function decodeBody(part: MimePart): string {
  const encoding = (part.headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const charset = headerParam(part.headers['content-type'] ?? '', 'charset') ?? 'utf-8';
  let bytes: Buffer;
  if (encoding === 'base64') bytes = Buffer.from(part.body.replace(/\s+/g, ''), 'base64');
  else if (encoding === 'quoted-printable') {
    const joined = part.body.replace(/=\n/g, '');
    bytes = Buffer.from(
      joined.replace(/=([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
      'latin1',
    );
  } else bytes = Buffer.from(part.body, 'utf8');
  return new TextDecoder(charset).decode(bytes);
}

/** Leaf parts of a message, depth first. */
function leafParts(part: MimePart): MimePart[] {
  const type = part.headers['content-type'] ?? 'text/plain';
  if (!/^multipart\//i.test(type)) return [part];
  const boundary = headerParam(type, 'boundary');
  if (!boundary) return [part];
  const sections = part.body.split(`--${boundary}`);
  // sections[0] is the preamble; the last one starts with "--" (the closing delimiter).
  return sections
    .slice(1)
    .filter((section) => !section.startsWith('--'))
    .flatMap((section) => leafParts(parsePart(section.replace(/^\n/, ''))));
}

/** Splits a raw message into headers, subject, text and HTML parts. */
export function readMail(raw: string): Pick<ReceivedMail, 'headers' | 'subject' | 'text' | 'html'> {
  const top = parsePart(raw);
  let text: string | null = null;
  let html: string | null = null;
  for (const leaf of leafParts(top)) {
    const type = (leaf.headers['content-type'] ?? 'text/plain').toLowerCase();
    const decoded = decodeBody(leaf).replace(/\n$/, '');
    if (type.startsWith('text/plain') && text === null) text = decoded;
    else if (type.startsWith('text/html') && html === null) html = decoded;
  }
  return { headers: top.headers, subject: top.headers['subject'] ?? '', text, html };
}

// ---------------------------------------------------------------------------------------------
// Server

export async function startSmtpStub(options: SmtpStubOptions = {}): Promise<SmtpStub> {
  const messages: ReceivedMail[] = [];
  const logins: Array<{ username: string; password: string }> = [];
  const rejections: Array<{ code: number; text: string }> = [];
  let attempts = 0;
  let hangs = 0;
  const delays: number[] = [];
  let onHang: (() => void) | undefined;
  const hungSessions = new Set<string>();
  let hangsEnded = 0;

  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    hideSTARTTLS: true,
    logger: false,
    onClose(session, callback) {
      if (hungSessions.delete(session.id)) hangsEnded += 1;
      callback?.();
    },
    // close() and outage() must not wait half a minute for idle client connections.
    closeTimeout: 50,
    onAuth(auth: SMTPServerAuthentication, _session, callback) {
      const username = auth.username ?? '';
      const password = auth.password ?? '';
      logins.push({ username, password });
      if (options.users && options.users[username] !== password) {
        const error = Object.assign(new Error('Authentication failed'), { responseCode: 535 });
        callback(error);
        return;
      }
      callback(null, { user: username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        attempts += 1;
        if (hangs > 0) {
          hangs -= 1;
          hungSessions.add(session.id);
          onHang?.();
          return; // no callback: the client waits for an answer that never comes
        }
        const rejection = rejections.shift();
        if (rejection) {
          callback(Object.assign(new Error(rejection.text), { responseCode: rejection.code }));
          return;
        }
        const delay = delays.shift();
        const raw = Buffer.concat(chunks).toString('utf8');
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const user = typeof session.user === 'string' ? session.user : null;
        const login = user === null ? null : ([...logins].reverse().find((l) => l.username === user) ?? null);
        messages.push({
          envelope: { from, to: session.envelope.rcptTo.map((r) => r.address) },
          auth: login,
          raw,
          ...readMail(raw),
        });
        if (delay === undefined) callback(null, 'Queued');
        else setTimeout(() => callback(null, 'Queued'), delay);
      });
    },
  });

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.server.off('error', reject);
        resolve((server.server.address() as AddressInfo).port);
      });
    });
  const port = await listen(0);
  let listening = true;

  // An outage closes only the listening socket (and drops open sessions): SMTPServer.close()
  // would leave the server answering "421 Server shutting down" after a later listen().
  const outage = () =>
    new Promise<void>((resolve) => {
      if (!listening) return resolve();
      listening = false;
      server.server.close(() => resolve());
      for (const connection of server.connections) connection.close();
    });
  let closed = false;
  const close = () =>
    new Promise<void>((resolve) => {
      if (closed) return resolve();
      closed = true;
      listening = false;
      // Calls back also when an outage already closed the listening socket.
      server.close(() => resolve());
    });

  return {
    host: '127.0.0.1',
    port,
    url(auth) {
      const login = auth ? `${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@` : '';
      return `smtp://${login}127.0.0.1:${port}`;
    },
    messages,
    get attempts() {
      return attempts;
    },
    get hangsEnded() {
      return hangsEnded;
    },
    logins,
    rejectNext(count, code, text) {
      const reply = text ?? (code >= 500 ? 'Message refused' : 'Try again later');
      for (let i = 0; i < count; i += 1) rejections.push({ code, text: reply });
    },
    hangNext(count, callback) {
      hangs += count;
      onHang = callback;
    },
    delayNext(count, ms) {
      for (let i = 0; i < count; i += 1) delays.push(ms);
    },
    outage,
    async recover() {
      if (listening || closed) return;
      await listen(port);
      listening = true;
    },
    close,
  };
}
