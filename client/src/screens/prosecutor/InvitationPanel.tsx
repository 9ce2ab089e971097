/** Creates a one-time join link for a session and lets the prosecutor copy it. */
import { useId, useState } from 'react';
import { api, joinLink } from '../../api/endpoints.js';
import { ErrorNotice } from '../../components/common.js';
import { useAction } from '../../components/useAction.js';
import { roleLabel, t } from '../../strings.js';

const INVITE_ROLES = ['witness', 'interpreter', 'support', 'defence', 'public'] as const;

export function InvitationPanel({ sessionId }: { sessionId: string }) {
  const id = useId();
  const [role, setRole] = useState<string>('witness');
  const [link, setLink] = useState('');
  const { busy, error, run } = useAction();
  const [copyState, setCopyState] = useState<'idle' | 'copied' | 'failed'>('idle');

  const create = () => {
    setCopyState('idle');
    return run(async () => setLink(joinLink(await api.invite(sessionId, role), location.origin)));
  };

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      setCopyState('copied');
    } catch {
      setCopyState('failed');
    }
  };

  return (
    <div className="invitation">
      <div className="row">
        <label>
          {t.sessions.inviteRole}
          <select name="inviteRole" value={role} onChange={(e) => setRole(e.target.value)}>
            {INVITE_ROLES.map((r) => (
              <option key={r} value={r}>
                {roleLabel(r)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => void create()} disabled={busy}>
          {busy ? t.sessions.creating : t.sessions.createInvite(roleLabel(role))}
        </button>
      </div>
      <ErrorNotice error={error} />
      {link && (
        <div>
          <label htmlFor={`${id}-link`}>{t.sessions.link}</label>
          <div className="row">
            <input id={`${id}-link`} className="link" readOnly value={link} onFocus={(e) => e.target.select()} data-testid="join-link" />
            <button type="button" className="secondary" onClick={() => void copy()}>
              {t.sessions.copy}
            </button>
          </div>
          <p className="muted" role="status">
            {copyState === 'copied' ? t.sessions.copied : copyState === 'failed' ? t.sessions.copyFailed : t.sessions.linkHint}
          </p>
        </div>
      )}
    </div>
  );
}
