/** Witness routes: thin; rules live in the service. */
import { userActor, type AuditLog } from '../audit/index.js';
import type { RouteKit } from '../http/routeKit.js';
import { idParams } from '../http/validate.js';
import { createWitnessBody, updateWitnessBody, witnessListQuery } from './witness.schemas.js';
import type { WitnessService } from './witness.service.js';

/** Registers the witness routes. */
export function witnessRoutes(kit: RouteKit, witnesses: WitnessService, audit: AuditLog): void {
  kit.add({ key: 'POST /witnesses', tag: 'witnesses', summary: 'Registers a witness; the identity is sealed at rest.', body: createWitnessBody, status: 201, handle: ({ body, actor }) => witnesses.create(body, actor()) });
  kit.add({ key: 'GET /witnesses', tag: 'witnesses', summary: 'Lists witnesses by codename (never identities).', query: witnessListQuery, handle: ({ query }) => witnesses.list(query) });
  kit.add({ key: 'GET /witnesses/:id', tag: 'witnesses', summary: 'Reads a witness (never the identity).', params: idParams, handle: ({ params }) => witnesses.get(params.id) });
  kit.add({ key: 'PATCH /witnesses/:id', tag: 'witnesses', summary: 'Updates a witness.', params: idParams, body: updateWitnessBody, handle: ({ params, body, actor }) => witnesses.update(params.id, body, actor()) });
  kit.add({ key: 'DELETE /witnesses/:id', tag: 'witnesses', summary: 'Archives a witness.', params: idParams, handle: ({ params, actor }) => witnesses.archive(params.id, actor()) });
  kit.add({
    key: 'GET /witnesses/:id/identity',
    tag: 'witnesses',
    summary: 'Reads the protected identity (admin and staff; audited).',
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
