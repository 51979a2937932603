/**
 * Cheap polling of the Microsoft 365 endpoints web service. Its `/version/<instance>` answer
 * (`{"instance": "Worldwide", "latest": "2024043000"}`, or an array of those without an
 * instance) says which version `/endpoints/<instance>` serves; Microsoft asks clients to check
 * it first and fetch the endpoints only when it moved. A run does that (pipeline/fetch.ts):
 * same version as the one recorded with the last snapshot, no `/endpoints` request at all.
 */
import { FetchError } from '../errors/index.js';

/** The host of the service; another host counts only when the source says `format: m365-json`. */
const SERVICE_HOST = 'endpoints.office.com';

/** `<prefix>/endpoints/<instance>` (the instance: Worldwide, USGovDoD, USGovGCCHigh, China). */
const ENDPOINTS_PATH = /^(.*)\/endpoints\/([^/]+)\/?$/i;

export interface ServiceVersionCheck {
  /** The `/version/<instance>` URL to ask, with the source's `clientrequestid`. */
  url: string;
  instance: string;
}

/**
 * The version check for a source, or null when it is not the endpoints web service: an
 * `.../endpoints/<instance>` URL on endpoints.office.com, or on any host for a source whose
 * format is `m365-json` (a mirror, a test's loopback stand-in).
 */
export function serviceVersionCheck(location: string, format: string | null | undefined): ServiceVersionCheck | null {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const match = ENDPOINTS_PATH.exec(url.pathname);
  if (!match) return null;
  if (url.hostname.toLowerCase() !== SERVICE_HOST && format !== 'm365-json') return null;
  const instance = decodeURIComponent(match[2]!);
  const version = new URL(url.href);
  version.pathname = `${match[1]}/version/${match[2]}`;
  // /version takes clientrequestid (and Format, AllVersions); the endpoint filters do not apply.
  version.search = '';
  const client = [...url.searchParams].find(([name]) => name.toLowerCase() === 'clientrequestid');
  if (client) version.searchParams.set(client[0], client[1]);
  return { url: version.href, instance };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The `latest` version of `instance` in a `/version` answer: an object for one instance, or
 * the array `/version` gives for all of them. Throws a FetchError saying what was wrong.
 */
export function readServiceVersion(body: Buffer, check: ServiceVersionCheck, display: string): string {
  let data: unknown;
  try {
    data = JSON.parse(body.toString('utf8'));
  } catch {
    throw new FetchError(`${display}: the /version answer is not JSON`);
  }
  const answers = Array.isArray(data) ? data : [data];
  const wanted = check.instance.toLowerCase();
  const mine = answers.filter(
    (a) => isRecord(a) && typeof a.instance === 'string' && a.instance.toLowerCase() === wanted,
  );
  const answer = mine[0] ?? (answers.length === 1 ? answers[0] : undefined);
  if (!isRecord(answer))
    throw new FetchError(`${display}: the /version answer names no version for instance ${check.instance}`);
  const latest = answer.latest;
  if ((typeof latest !== 'string' && typeof latest !== 'number') || !/^\d{6,}$/.test(String(latest)))
    throw new FetchError(`${display}: the /version answer has no usable "latest" (got ${JSON.stringify(latest)})`);
  return String(latest);
}
