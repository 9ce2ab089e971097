/**
 * The requested authority's screen: the identity check form (from the lobby on) and, once the
 * hearing is live, suspend and resume. What is entered here goes to the minutes, never to the
 * court room.
 */
import { useId, useState } from 'react';
import { IDENTITY_DOCUMENT_TYPES, type IdentityDocumentType } from '../../../../common/vocabulary.js';
import type { RoomPort, RoomSnapshot } from '../../room/port.js';
import { ErrorNotice, SuccessNotice } from '../../components/common.js';
import { t } from '../../strings.js';
import { useRoomCommand } from './useRoomCommand.js';

function IdentityCheckForm({ port }: { port: RoomPort }) {
  const id = useId();
  const [documentType, setDocumentType] = useState<IdentityDocumentType>('passport');
  const [matched, setMatched] = useState(true);
  const [note, setNote] = useState('');
  const { error, busy, exec } = useRoomCommand();
  return (
    <form
      className="card"
      aria-labelledby={`${id}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        void exec(() => port.recordIdentityCheck({ documentType, matched, note }));
      }}
    >
      <h2 id={`${id}-title`}>{t.hearing.identityTitle}</h2>
      <p className="muted">{t.hearing.identityHint}</p>
      <label>
        {t.hearing.documentType}
        <select value={documentType} onChange={(e) => setDocumentType(e.target.value as IdentityDocumentType)}>
          {IDENTITY_DOCUMENT_TYPES.map((d) => (
            <option key={d} value={d}>
              {t.hearing.documents[d] ?? d}
            </option>
          ))}
        </select>
      </label>
      <label className="check">
        <input type="checkbox" checked={matched} onChange={(e) => setMatched(e.target.checked)} />
        {t.hearing.matched}
      </label>
      <label>
        {t.hearing.note}
        <textarea value={note} maxLength={500} rows={2} onChange={(e) => setNote(e.target.value)} />
      </label>
      <ErrorNotice error={error} />
      <button type="submit" disabled={busy}>
        {t.hearing.recordCheck}
      </button>
    </form>
  );
}

function SuspendControl({ port, snap }: { port: RoomPort; snap: RoomSnapshot }) {
  const id = useId();
  const [reason, setReason] = useState('');
  const { error, busy, exec } = useRoomCommand();
  const suspended = Boolean(snap.hearing?.suspension);
  return (
    <div className="card controls" role="group" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t.hearing.suspendTitle}</h2>
      <p className="muted">{t.hearing.suspendHint}</p>
      {suspended ? (
        <button type="button" disabled={busy} onClick={() => void exec(() => port.resume())}>
          {t.hearing.resume}
        </button>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void exec(() => port.suspend(reason)).then((done) => done && setReason(''));
          }}
        >
          <label>
            {t.hearing.suspendReason}
            <input value={reason} maxLength={500} required onChange={(e) => setReason(e.target.value)} />
          </label>
          <button type="submit" className="danger" disabled={busy || snap.sessionStatus !== 'live'}>
            {t.hearing.suspend}
          </button>
        </form>
      )}
      <ErrorNotice error={error} />
    </div>
  );
}

export function AuthorityPanel({ port, snap }: { port: RoomPort; snap: RoomSnapshot }) {
  const gate = snap.hearing?.identityCheck;
  const recorded = gate === 'confirmed' || gate === 'notConfirmed';
  return (
    <div className="hearing-authority">
      {recorded ? <SuccessNotice>{t.hearing.checkRecorded}</SuccessNotice> : <IdentityCheckForm port={port} />}
      {snap.phase === 'admitted' && <SuspendControl port={port} snap={snap} />}
    </div>
  );
}
