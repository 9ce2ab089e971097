/**
 * The hearing's controls shared by the operator console and the judge's room: status, closed
 * session, the live measures (face and voice disguise: the judge orders them), and the lifecycle
 * the API allows (start and cancel from the lobby, end once live). The server decides; these ask.
 */
import type { RoomPort, RoomSnapshot } from '../../room/port.js';
import { t } from '../../strings.js';

export interface CtlProps {
  readonly port: RoomPort;
  readonly snap: RoomSnapshot;
  exec(run: () => Promise<void>): void;
}

export function SessionControls({ port, snap, status, exec, onCancel }: CtlProps & { status: string; onCancel?: () => void }) {
  const connected = snap.phase === 'admitted';
  return (
    <div className="card controls" role="group" aria-label={t.console.status}>
      <p>
        {t.console.status}: <strong data-testid="session-status">{t.statuses[status] ?? status}</strong> · {t.console.connection}:{' '}
        <span>{t.console.connStates[snap.phase === 'admitted' ? 'connected' : snap.phase] ?? snap.phase}</span>
      </p>
      <label className="check">
        <input type="checkbox" checked={snap.closedSession} disabled={!connected} onChange={(e) => exec(() => port.setClosedSession(e.target.checked))} />
        {t.console.closedSession}
      </label>
      {status === 'lobby' && (
        <>
          <button type="button" disabled={!connected} onClick={() => exec(() => port.start())}>
            {t.console.start}
          </button>
          {onCancel && (
            <button type="button" className="danger" onClick={onCancel}>
              {t.consoleLifecycle.cancel}
            </button>
          )}
        </>
      )}
      {status === 'live' && (
        <button
          type="button"
          className="danger"
          disabled={!connected}
          onClick={() => {
            if (window.confirm(t.console.confirmEnd)) exec(() => port.end());
          }}
        >
          {t.console.end}
        </button>
      )}
    </div>
  );
}

/** The judge orders or lifts the witness's face and voice disguise during the hearing. */
export function MeasureToggles({ port, snap, exec }: CtlProps) {
  const connected = snap.phase === 'admitted';
  const toggle = (measure: 'faceMask' | 'voiceMask', label: string) => (
    <label className="check">
      <input type="checkbox" name={measure} checked={snap.measures.includes(measure)} disabled={!connected} onChange={(e) => exec(() => port.setMeasure(measure, e.target.checked))} />
      {label}
    </label>
  );
  return (
    <fieldset className="card measures-toggles">
      <legend>{t.courtRoom.measuresTitle}</legend>
      {toggle('faceMask', t.courtRoom.faceMask)}
      {toggle('voiceMask', t.courtRoom.voiceMask)}
    </fieldset>
  );
}
