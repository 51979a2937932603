/**
 * An HTTPS server on 127.0.0.1 with a throw-away self-signed certificate (made with the openssl
 * command at run time, so nothing secret or expiring is committed). `selfSignedCertificate()`
 * is null when openssl is missing; tests then skip, visibly.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Certificate {
  key: string;
  cert: string;
}

export function selfSignedCertificate(): Certificate | null {
  const dir = mkdtempSync(join(tmpdir(), 'ew-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } catch {
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface TlsDocServer {
  /** `https://127.0.0.1:<port>` */
  readonly origin: string;
  /** Paths requested, in order. */
  readonly paths: string[];
  close(): Promise<void>;
}

/** Answers every GET with `body` as markdown. */
export async function startTlsDocServer(certificate: Certificate, body: string): Promise<TlsDocServer> {
  const paths: string[] = [];
  const sockets = new Set<Duplex>();
  const server = createServer(certificate, (req, res) => {
    paths.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'text/markdown; charset=utf-8' });
    res.end(body);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `https://127.0.0.1:${port}`,
    paths,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
