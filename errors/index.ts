/**
 * Small error classes, one per stage. Stages throw these; only the CLI maps them to exit codes
 * (cli/exit-codes.ts), so library code never calls process.exit.
 */
export class EndpointWatchError extends Error {
  /** Stable machine-readable code, printed with --json. */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Bad command-line usage (unknown source id, missing argument). */
export class UsageError extends EndpointWatchError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

/** Config file missing, unreadable, invalid YAML, schema violation or unset ${VAR}. */
export class ConfigError extends EndpointWatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFIG', message, options);
  }
}

/** The document could not be fetched: network error, timeout, non-2xx answer, empty body. */
export class FetchError extends EndpointWatchError {
  readonly status: number | null;
  constructor(message: string, status: number | null = null, options?: { cause?: unknown }) {
    super('FETCH', message, options);
    this.status = status;
  }
}

/** The document was fetched but is not one we can read, or holds no endpoint at all. */
export class ParseError extends EndpointWatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PARSE', message, options);
  }
}

/**
 * The document is recognisably of the parser's format (the Microsoft 365 page with its generator
 * comment, the web service's endpoint-set array) but lists nothing: a broken generation of the
 * same document rather than some other page. When the source had that format before, the pipeline
 * reads it as a page with no endpoint, whose removals wait for a person (pipeline/health.ts);
 * elsewhere it is a ParseError like any other.
 */
export class EmptyDocumentError extends ParseError {
  readonly format: string;
  constructor(format: string, message: string) {
    super(message);
    this.format = format;
  }
}

/** The snapshot repository could not be read or written (git failed, disk full). */
export class StoreError extends EndpointWatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORE', message, options);
  }
}

/** A notifier could not deliver (Slack 4xx/5xx after retries, SMTP refused). */
export class NotifyError extends EndpointWatchError {
  readonly notifier: string;
  constructor(notifier: string, message: string, options?: { cause?: unknown }) {
    super('NOTIFY', message, options);
    this.notifier = notifier;
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
