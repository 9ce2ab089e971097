/**
 * Everyone in the room: what they send (microphone and camera: on, muted by them, paused by the
 * operator), live bitrate, loss and RTT, with a warning colour when a link degrades. Someone who
 * left is listed as such, without figures.
 */
import type { LinkStats, RoomParticipant } from '../../room/port.js';
import { t } from '../../strings.js';
import { feedLabel } from '../participant/FeedGrid.js';
import { isPresent } from '../../room/roomView.js';

/** `Microphone: on · Camera: paused by the operator`. */
function MediaText({ media }: { media: RoomParticipant['media'] }) {
  const s = t.courtRoom.mediaStates;
  return (
    <>
      {t.courtRoom.microphone}: {s[media.audio] ?? media.audio} · {t.courtRoom.camera}: {s[media.video] ?? media.video}
    </>
  );
}

/** Thresholds above which a link is shown as degraded. */
export const DEGRADED = { lossPercent: 3, rttMs: 300 } as const;

export function isDegraded(s: LinkStats | undefined, connection: string): boolean {
  if (connection === 'failed' || connection === 'disconnected') return true;
  return !!s && (s.lossPercent >= DEGRADED.lossPercent || s.rttMs >= DEGRADED.rttMs);
}

export function LinkTable({ participants }: { participants: readonly RoomParticipant[] }) {
  return (
    <div className="table-wrap">
      <table aria-labelledby="links-title" className="links">
        <caption id="links-title">{t.console.participants}</caption>
        <thead>
          <tr>
            <th scope="col">{t.console.participant}</th>
            <th scope="col">{t.console.state}</th>
            <th scope="col">{t.courtRoom.sends}</th>
            <th scope="col">{t.console.bitrateIn}</th>
            <th scope="col">{t.console.bitrateOut}</th>
            <th scope="col">{t.console.loss}</th>
            <th scope="col">{t.console.rtt}</th>
          </tr>
        </thead>
        <tbody>
          {participants.map((p) => {
            const present = isPresent(p);
            const bad = present && isDegraded(p.stats, p.connection);
            return (
              <tr key={p.id} className={bad ? 'degraded' : present ? undefined : 'departed'} data-participant-id={p.id} data-role={p.role} data-audio={p.media.audio} data-video={p.media.video}>
                <th scope="row">
                  {feedLabel(p)}
                  {bad && <span className="warn-tag"> · {t.console.degraded}</span>}
                </th>
                <td>{present ? (t.console.connStates[p.connection] ?? p.connection) : t.courtRoom.left}</td>
                <td>{present ? <MediaText media={p.media} /> : '—'}</td>
                {present && p.stats ? (
                  <>
                    <td>{t.console.kbps(Math.round(p.stats.bitrateInKbps))}</td>
                    <td>{t.console.kbps(Math.round(p.stats.bitrateOutKbps))}</td>
                    <td>{t.console.percent(p.stats.lossPercent)}</td>
                    <td>{t.console.ms(p.stats.rttMs)}</td>
                  </>
                ) : (
                  <td colSpan={4} className="muted">
                    {t.console.noStats}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
