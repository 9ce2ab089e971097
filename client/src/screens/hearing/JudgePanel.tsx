/**
 * The court's view of the hearing's steps: where the identity gate stands (never the check's
 * details), and for the judge the override and the rights-and-oath record.
 */
import { useId, useState } from 'react';
import { OATH_KINDS, type OathKind } from '../../../../common/vocabulary.js';
import type { RoomPort, RoomSnapshot } from '../../room/port.js';
import { ErrorNotice, formatInZone } from '../../components/common.js';
import { t } from '../../strings.js';
import { useRoomCommand } from './useRoomCommand.js';

function OverrideForm({ port }: { port: RoomPort }) {
  const [reason, setReason] = useState('');
  const { error, busy, exec } = useRoomCommand();
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void exec(() => port.overrideIdentityCheck(reason));
      }}
    >
      <label>
        {t.hearing.overrideReason}
        <input value={reason} maxLength={500} required onChange={(e) => setReason(e.target.value)} />
      </label>
      <button type="submit" className="secondary" disabled={busy}>
        {t.hearing.override}
      </button>
      <ErrorNotice error={error} />
    </form>
  );
}

function OathControl({ port, snap }: { port: RoomPort; snap: RoomSnapshot }) {
  const [kind, setKind] = useState<OathKind>('oath');
  const { error, busy, exec } = useRoomCommand();
  const oath = snap.hearing?.oath;
  if (oath)
    return (
      <p role="status" data-testid="oath">
        {t.hearing.oathRecorded(t.hearing.oathKinds[oath.kind] ?? oath.kind, formatInZone(oath.at))}
      </p>
    );
  return (
    <div className="row">
      <label>
        {t.hearing.oathKind}
        <select value={kind} onChange={(e) => setKind(e.target.value as OathKind)}>
          {OATH_KINDS.map((k) => (
            <option key={k} value={k}>
              {t.hearing.oathKinds[k]}
            </option>
          ))}
        </select>
      </label>
      <button type="button" disabled={busy} onClick={() => void exec(() => port.recordOath(kind))}>
        {t.hearing.recordOath}
      </button>
      <ErrorNotice error={error} />
    </div>
  );
}

export function JudgePanel({ port, snap }: { port: RoomPort; snap: RoomSnapshot }) {
  const id = useId();
  const gate = snap.hearing?.identityCheck;
  const judge = snap.self?.role === 'judge';
  const beforeLive = snap.sessionStatus === 'lobby';
  return (
    <div className="card" role="group" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t.hearing.oathTitle}</h2>
      {gate && (
        <p data-testid="identity-gate" data-gate={gate}>
          {t.hearing.gate[gate] ?? gate}
        </p>
      )}
      {judge && beforeLive && (gate === 'pending' || gate === 'notConfirmed') && <OverrideForm port={port} />}
      {judge && <OathControl port={port} snap={snap} />}
    </div>
  );
}
