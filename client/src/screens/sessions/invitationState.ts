/** What the invitation screens need to know about links: which roles they carry, which can be revoked. */
import type { InvitationRole, InvitationState } from '../../api/types.js';

/** Roles a link can carry, in the order the form offers them (the API's INVITATION_ROLES). */
export const INVITE_ROLES = ['witness', 'authority', 'accused', 'defence', 'interpreter', 'support', 'public'] as const satisfies readonly InvitationRole[];

/** A link that still lets someone in (or back in) can be revoked. */
export const isRevocable = (state: InvitationState) => state === 'issued' || state === 'used';
