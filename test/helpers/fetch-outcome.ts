/** Assertions on what a fetcher returns, shared by the fetcher tests. */
import assert from 'node:assert/strict';
import { FetchError } from '../../errors/index.js';
import { rejection } from './rejection.js';
import type { FetchOutcome, RawDocument } from '../../ingest/types.js';

/** The document of an outcome that must be `fetched`. */
export function fetched(outcome: FetchOutcome): RawDocument {
  assert.equal(outcome.status, 'fetched');
  return (outcome as Extract<FetchOutcome, { status: 'fetched' }>).document;
}

/** The FetchError `promise` must reject with. */
export function fetchError(promise: Promise<unknown>): Promise<FetchError> {
  return rejection(promise, FetchError);
}
