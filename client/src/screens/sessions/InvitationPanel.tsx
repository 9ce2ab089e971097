/**
 * Issues a one-time join link for a session: the role, an optional name and the language of the
 * person's pages (stored on the invitation), then the link to copy (see `joinLink`).
 */
import { useId, useState } from 'react';
import { api, joinLink } from '../../api/endpoints.js';
import type { InvitationLanguage, InvitationRole, TestimonySession } from '../../api/types.js';
import { ErrorNotice } from '../../components/common.js';
import { useAction } from '../../components/useAction.js';
import { LOCALES, findLocale } from '../../i18n/index.js';
import { roleLabel, t } from '../../strings.js';
import { INVITE_ROLES } from './invitationState.js';

interface Props {
  readonly session: Pick<TestimonySession, 'id' | 'start'>;
  /** The witness's languages, first the preferred: the link's language defaults to one we have. */
  readonly witnessLanguages?: readonly string[];
  onIssued?(): void;
}

export function InvitationPanel({ session, witnessLanguages = [], onIssued }: Props) {
  const id = useId();
  const [role, setRole] = useState<InvitationRole>('witness');
  const [name, setName] = useState('');
  const [lang, setLang] = useState(() => witnessLanguages.map((l) => findLocale(l)).find(Boolean)?.meta.code ?? 'en');
  const [link, setLink] = useState('');
  const { busy, error, run } = useAction();
  const [copyState, setCopyState] = useState<'idle' | 'copied' | 'failed'>('idle');

  const create = () => {
    setCopyState('idle');
    return run(async () => {
      const displayName = role === 'witness' ? undefined : name.trim() || undefined;
      // The language files are the client's; the server checks the code against the languages it stores.
      const issued = await api.invite(session.id, { role, language: lang as InvitationLanguage, ...(displayName ? { displayName } : {}) });
      setLink(joinLink(issued, location.origin, { start: session.start }));
      setName('');
      onIssued?.();
    });
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
          <select name="inviteRole" value={role} onChange={(e) => setRole(INVITE_ROLES.find((r) => r === e.target.value) ?? 'witness')}>
            {INVITE_ROLES.map((r) => (
              <option key={r} value={r}>
                {roleLabel(r)}
              </option>
            ))}
          </select>
        </label>
        {role !== 'witness' && (
          <label>
            {t.invitations.name}
            <input name="inviteName" value={name} maxLength={80} onChange={(e) => setName(e.target.value)} />
          </label>
        )}
        <label>
          {t.invitations.language}
          <select name="inviteLanguage" value={lang} onChange={(e) => setLang(e.target.value)}>
            {LOCALES.map((l) => (
              <option key={l.meta.code} value={l.meta.code} lang={l.meta.code}>
                {l.meta.name}
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
