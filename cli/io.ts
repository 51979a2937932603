/** What a command may touch of the outside world; tests pass buffers, the binary passes the process's own. */
import { Writable } from 'node:stream';

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
