/** Witness routes: thin; rules live in the service. */
import { userActor, type AuditLog } from '../audit/index.js';
import type { RouteKit } from '../http/routeKit.js';
import { idParams } from '../http/validate.js';
import { createWitnessBody, updateWitnessBody, witnessListQuery } from './witness.schemas.js';
import type { WitnessService } from './witness.service.js';

/** Registers the witness routes. */
export function witnessRoutes(kit: RouteKit, witnesses: WitnessService, audit: AuditLog): void {
  kit.add({ key: 'POST /witnesses', tag: 'witnesses', summary: 'Registers a witness; the identity (programme staff only) is sealed at rest.', body: createWitnessBody, status: 201, conflicts: 'The codename is in use (codename_taken)', rules: ['identity only from programme staff or an admin (403 identity_staff_only)', 'a prosecutor names at least one trial, all of them their own (trialIds)', 'handlerId must be an active programme staff account'], handle: ({ body, actor }) => witnesses.create(body, actor()) });
  kit.add({ key: 'GET /witnesses', tag: 'witnesses', summary: 'Lists witnesses by codename (never identities).', query: witnessListQuery, handle: ({ query, actor }) => witnesses.list(query, actor()) });
  kit.add({ key: 'GET /witnesses/:id', tag: 'witnesses', summary: 'Reads a witness (never the identity).', params: idParams, handle: ({ params, actor }) => witnesses.read(params.id, actor()) });
  kit.add({ key: 'PATCH /witnesses/:id', tag: 'witnesses', summary: 'Updates a witness.', params: idParams, body: updateWitnessBody, conflicts: 'The codename is in use (codename_taken)', rules: ["identity and handlerId only by the witness's handler or an admin (403 not_handler)"], handle: ({ params, body, actor }) => witnesses.update(params.id, body, actor()) });
  kit.add({ key: 'DELETE /witnesses/:id', tag: 'witnesses', summary: "Archives a witness (its handler or an admin).", params: idParams, status: 204, handle: ({ params, actor }) => witnesses.archive(params.id, actor()) });
  kit.add({
    key: 'GET /witnesses/:id/identity',
    tag: 'witnesses',
    summary: "Reads the protected identity (an admin or the witness's handler; every read audited).",
    params: idParams,
    // Every identity read is audited with its outcome, including one the role check refuses.
    onForbidden: ({ actor, params }) =>
      audit.append({ actor: userActor(actor), action: 'witness.identityRead', target: `witness:${params?.id ?? 'unknown'}`, outcome: 'failure', details: { reason: 'forbidden' } }),
    handle: async ({ params, actor, res }) => {
      res.setHeader('Cache-Control', 'no-store');
      return witnesses.readIdentity(params.id, actor());
    },
  });
}
