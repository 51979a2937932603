/**
 * `endpoint-watch serve` in-process for tests: started with `--port 0`, its URL read from what it
 * prints, stopped (as SIGTERM would) by `stop()`. And a document server whose first answer waits
 * at a gate, to hold a run busy for as long as a test needs.
 */
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { main } from '../../cli/main.js';
import { StringSink } from '../../cli/io.js';

/** A sink that resolves waiters once its text matches their pattern. */
export class WaitingSink extends StringSink {
  private waiters: Array<{ pattern: RegExp; resolve: (match: RegExpMatchArray) => void }> = [];
  override _write(chunk: Buffer | string, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    super._write(chunk, encoding, callback);
    const text = this.toString();
    this.waiters = this.waiters.filter((w) => {
      const match = text.match(w.pattern);
      if (!match) return true;
      w.resolve(match);
      return false;
    });
  }
  waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
    const match = this.toString().match(pattern);
    if (match) return Promise.resolve(match);
    return new Promise((resolve) => this.waiters.push({ pattern, resolve }));
  }
}

export interface ServeProcess {
  url: string;
  stdout: WaitingSink;
  stderr: StringSink;
  /** Asks serve to stop and resolves with its exit code once it has. */
  stop(): Promise<number>;
}

export async function startServe(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const stdout = new WaitingSink();
  const stderr = new StringSink();
  let requestStop: () => void = () => undefined;
  const stopRequested = new Promise<void>((resolve) => {
    requestStop = resolve;
  });
  const exited = main(['serve', '--port', '0', ...args], {
    stdout,
    stderr,
    env,
    cwd,
    untilStopped: () => stopRequested,
  });
  const started = await Promise.race([
    stdout.waitFor(/listening on (http:\/\/\S+)/),
    exited.then((code) => {
      throw new Error(`serve exited with ${code} before listening: ${stderr.toString()}`);
    }),
  ]);
  return {
    url: started[1]!,
    stdout,
    stderr,
    stop: () => {
      requestStop();
      return exited;
    },
  };
}

export interface GatedSite {
  /** URL of the gated document. */
  readonly url: string;
  /** Resolves when the first request has arrived (and is held at the gate). */
  readonly firstRequest: Promise<void>;
  /** Requests received so far. */
  readonly requests: number;
  /** Lets the held request (and every later one) through. */
  open(): void;
  close(): Promise<void>;
}

/** Serves `body` as markdown; the first request waits until `open()`. */
export async function startGatedSite(body: string): Promise<GatedSite> {
  let requests = 0;
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  let arrived: () => void = () => undefined;
  const firstRequest = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const sockets = new Set<Socket>();
  const server = createServer((_req, res) => {
    requests += 1;
    arrived();
    void gate.then(() => {
      res.writeHead(200, { 'content-type': 'text/markdown; charset=utf-8' });
      res.end(body);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/network.md`,
    firstRequest,
    get requests() {
      return requests;
    },
    open: () => open(),
    close: () =>
      new Promise<void>((resolve) => {
        open();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
