/**
 * The operator's view of the witness's masking: the mode (face, whole frame, blur) to switch, and
 * per masked stream its state (running, restarting), how often the face was found, how often the
 * whole frame was masked instead, and the restarts; with the preview of what the accused sees.
 */
import { MASKING_MODES, type MaskingMode } from '../../../../common/vocabulary.js';
import { PreviewTiles } from '../participant/FeedGrid.js';
import { t } from '../../strings.js';
import type { CtlProps } from './SessionControls.js';

const m = t.masking;

export function MaskingPanel({ port, snap, exec }: CtlProps) {
  const masking = snap.masking;
  const connected = snap.phase === 'admitted';
  return (
    <section className="card masking" aria-labelledby="masking-title">
      <h2 id="masking-title">{m.title}</h2>
      <label>
        {m.mode}
        <select
          name="maskingMode"
          value={masking?.mode ?? 'face'}
          disabled={!connected || !masking}
          onChange={(e) => {
            const mode = MASKING_MODES.find((x) => x === e.target.value);
            if (mode) exec(() => port.setMaskingMode(mode satisfies MaskingMode));
          }}
        >
          {MASKING_MODES.map((x) => (
            <option key={x} value={x}>
              {m.modes[x] ?? x}
            </option>
          ))}
        </select>
      </label>
      {!masking || masking.streams.length === 0 ? (
        <p className="muted">{m.none}</p>
      ) : (
        <div className="table-wrap">
          <table aria-labelledby="masking-title" data-testid="masking-status">
            <thead>
              <tr>
                <th scope="col">{m.stream}</th>
                <th scope="col">{m.state}</th>
                <th scope="col">{m.faceFound}</th>
                <th scope="col">{m.wholeFrame}</th>
                <th scope="col">{m.restarts}</th>
              </tr>
            </thead>
            <tbody>
              {masking.streams.map((s) => (
                <tr key={s.sourceProducerId} data-kind={s.kind} data-state={s.state}>
                  <th scope="row">{m.kinds[s.kind] ?? s.kind}</th>
                  <td>{m.states[s.state] ?? s.state}</td>
                  <td>{s.kind === 'video' ? m.percent(s.facePercent) : '—'}</td>
                  <td>{s.kind === 'video' ? m.percent(s.wholeFramePercent) : '—'}</td>
                  <td>{s.restarts}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <PreviewTiles feeds={snap.feeds} />
    </section>
  );
}
