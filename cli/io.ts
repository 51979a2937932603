/** What a command may touch of the outside world; tests pass buffers, the binary passes the process's own. */
import { Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { visibleControls } from '../app/visible-text.js';

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Resolves when the user asks `watch` to stop (SIGINT/SIGTERM in the binary). */
  untilStopped?: () => Promise<void>;
}

export function writeLine(stream: Writable, line = ''): void {
  stream.write(`${line}\n`);
}

export function writeJson(stream: Writable, value: unknown): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Collects what is written, for tests and for capturing console alerts in --json mode. */
export class StringSink extends Writable {
  chunks: string[] = [];
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(String(chunk));
    callback();
  }
  override toString(): string {
    return this.chunks.join('');
  }
}

/**
 * `target` with what is written to it made visible: terminal escapes and bidi controls from
 * documents become `\u001B`, `\u202E` (app/visible-text.ts), so no heading can recolour, move
 * or reverse a person's terminal; a `\uXXXX` inside printed JSON reads back as the same
 * character. Everything else is the target's own (a Proxy, not a second stream): writes stay
 * synchronous for string sinks and their callbacks are the target's, so a closed pipe still
 * reaches the console notifier.
 */
export function visibleTextStream(target: Writable): Writable {
  const decoder = new StringDecoder('utf8');
  const write = (chunk: unknown, ...rest: unknown[]): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? decoder.write(chunk) : chunk;
    const encoding = typeof rest[0] === 'string' && Buffer.isBuffer(chunk) ? rest.slice(1) : rest;
    if (text === '') {
      // Half a character so far: nothing to write yet.
      const callback = encoding.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      if (callback) process.nextTick(callback);
      return true;
    }
    return (target.write as (...args: unknown[]) => boolean)(
      typeof text === 'string' ? visibleControls(text) : text,
      ...encoding,
    );
  };
  return new Proxy(target, {
    get(object, property) {
      if (property === 'write') return write;
      const value = Reflect.get(object, property, object) as unknown;
      return typeof value === 'function' ? value.bind(object) : value;
    },
  });
}

/** `io` with both output streams made visible-text streams. */
export function visibleIo(io: CliIo): CliIo {
  return { ...io, stdout: visibleTextStream(io.stdout), stderr: visibleTextStream(io.stderr) };
}
