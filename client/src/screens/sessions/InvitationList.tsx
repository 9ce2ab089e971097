/** A session's issued links with their state (issued, used, revoked, expired), each revocable while it still works. */
import { api } from '../../api/endpoints.js';
import type { Invitation } from '../../api/types.js';
import { ErrorNotice, formatInZone } from '../../components/common.js';
import { useAction } from '../../components/useAction.js';
import { roleLabel, t } from '../../strings.js';
import { isRevocable } from './invitationState.js';

const who = (inv: Invitation) => {
  const role = roleLabel(inv.role);
  return inv.displayName && inv.displayName !== inv.role && inv.displayName !== role ? `${role} — ${inv.displayName}` : role;
};

export function InvitationList({ sessionId, items, zone, canRevoke, onChanged }: { sessionId: string; items: readonly Invitation[]; zone: string; canRevoke: boolean; onChanged(): void }) {
  const revoke = useAction();
  if (items.length === 0) return <p className="muted">{t.invitations.none}</p>;
  const onRevoke = (inv: Invitation) => {
    if (!window.confirm(t.invitations.confirmRevoke(who(inv)))) return;
    void revoke.run(async () => {
      await api.revokeInvitation(sessionId, inv.id);
      onChanged();
    });
  };
  return (
    <>
      <ErrorNotice error={revoke.error} />
      <div className="table-wrap">
        <table data-testid="invitations">
          <caption className="sr-only">{t.invitations.title}</caption>
          <thead>
            <tr>
              <th scope="col">{t.invitations.role}</th>
              <th scope="col">{t.invitations.validity}</th>
              <th scope="col">{t.invitations.state}</th>
              {canRevoke && (
                <th scope="col">
                  <span className="sr-only">{t.sessions.actions}</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {items.map((inv) => {
              const state = inv.state;
              return (
                <tr key={inv.id} data-invitation-role={inv.role} data-state={state}>
                  <th scope="row">{who(inv)}</th>
                  <td>
                    {formatInZone(inv.validFrom, zone)} – {formatInZone(inv.validUntil, zone)}
                  </td>
                  <td>{t.invitations.states[state] ?? state}</td>
                  {canRevoke && (
                    <td>
                      {isRevocable(state) && (
                        <button type="button" className="danger" aria-label={t.invitations.revokeLabel(who(inv))} disabled={revoke.busy} onClick={() => onRevoke(inv)}>
                          {t.invitations.revoke}
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
