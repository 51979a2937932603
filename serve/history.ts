/**
 * GET|HEAD / and /history: the history page (report/site.ts), the same `report --out` writes,
 * built on each request from the snapshot history. The caller gives the function that reads
 * it, so serve/ needs no CLI code.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HistoryReader } from '../report/model.js';
import { CONTENT_SECURITY_POLICY, renderHistorySite } from '../report/site.js';
import { send } from './http.js';

export async function serveHistory(req: IncomingMessage, res: ServerResponse, read: HistoryReader): Promise<void> {
  send(req, res, 200, renderHistorySite(await read(), { generatedAt: new Date() }), {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
  });
}
