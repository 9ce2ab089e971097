/** Interpretation and minutes routes of the hearing domain. */
import type { Response } from 'express';
import type { RouteKit } from '../http/routeKit.js';
import { idParams } from '../http/validate.js';
import { interpretationBody, remarksBody, sealBody } from './hearing.schemas.js';
import type { InterpretationService } from './interpretation.service.js';
import type { MinutesService } from './minutes.service.js';

/** Sends stored minutes bytes as a download, with their SHA-256 beside them. */
function download(res: Response, file: { bytes: Buffer; filename: string; sha256: string }, type: string): undefined {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Disposition', `attachment; filename="${file.filename}"`);
  res.setHeader('X-Content-SHA256', file.sha256);
  res.type(type).send(file.bytes);
  return undefined;
}

/** Registers the hearing routes. */
export function hearingRoutes(kit: RouteKit, interpretation: InterpretationService, minutes: MinutesService): void {
  kit.add({ key: 'GET /sessions/:id/interpretation', tag: 'hearing', summary: "Reads the session's languages, interpretation mode and interpreters.", params: idParams, handle: ({ params, actor }) => interpretation.get(params.id, actor()) });
  kit.add({
    key: 'PUT /sessions/:id/interpretation',
    tag: 'hearing',
    summary: "Records the witness's and the court's languages, the mode and who interprets (those who manage the session).",
    params: idParams,
    conflicts: 'The session is over (session_over)',
    body: interpretationBody,
    handle: ({ params, body, actor }) => interpretation.set(params.id, body, actor()),
  });
  kit.add({ key: 'POST /sessions/:id/minutes', tag: 'hearing', summary: 'Generates the minutes of an ended session once (a second call returns the stored ones).', params: idParams, conflicts: 'The session has not ended (session_not_ended)', handle: ({ params, actor }) => minutes.generate(params.id, actor()) });
  kit.add({ key: 'GET /sessions/:id/minutes', tag: 'hearing', summary: 'Reads the minutes in force (sealed version, else the latest) with their hashes.', params: idParams, handle: ({ params, actor }) => minutes.get(params.id, actor()) });
  kit.add({
    key: 'GET /sessions/:id/minutes/pdf',
    tag: 'hearing',
    summary: 'Downloads the minutes as issued (PDF), hash in X-Content-SHA256.',
    params: idParams,
    produces: ['application/pdf'],
    handle: async ({ params, actor, res }) => download(res, await minutes.file(params.id, actor(), 'pdf'), 'application/pdf'),
  });
  kit.add({
    key: 'GET /sessions/:id/minutes/json',
    tag: 'hearing',
    summary: 'Downloads the minutes as issued (JSON text), hash in X-Content-SHA256.',
    params: idParams,
    handle: async ({ params, actor, res }) => download(res, await minutes.file(params.id, actor(), 'json'), 'application/json'),
  });
  kit.add({ key: 'PUT /sessions/:id/minutes/remarks', tag: 'hearing', summary: "The judge's remarks on the version read: a new version (409 once sealed).", params: idParams, conflicts: 'Sealed (minutes_sealed), or changed since read (minutes_changed)', body: remarksBody, handle: ({ params, body, actor }) => minutes.remarks(params.id, body, actor()) });
  kit.add({ key: 'POST /sessions/:id/minutes/seal', tag: 'hearing', summary: 'The judge seals the version read; sealed minutes never change (409).', params: idParams, conflicts: 'Sealed already (minutes_sealed), or changed since read (minutes_changed)', body: sealBody, handle: ({ params, body, actor }) => minutes.seal(params.id, body.version, actor()) });
  kit.add({ key: 'GET /sessions/:id/minutes/verify', tag: 'hearing', summary: "Checks the stored minutes' bytes against their hashes and the audit chain.", params: idParams, handle: ({ params, actor }) => minutes.verify(params.id, actor()) });
}
