/** Who waits in the lobby, with admit and deny. */
import type { RoomParticipant, RoomPort } from '../../room/port.js';
import { t } from '../../strings.js';
import { feedLabel } from '../participant/FeedGrid.js';

export function LobbyPanel({ participants, port, exec }: { participants: readonly RoomParticipant[]; port: RoomPort; exec(run: () => Promise<void>): void }) {
  return (
    <div className="card lobby" aria-labelledby="lobby-title">
      <h2 id="lobby-title">{t.console.lobby}</h2>
      {participants.length === 0 ? (
        <p className="muted">{t.console.lobbyEmpty}</p>
      ) : (
        <ul>
          {participants.map((p) => {
            const name = feedLabel(p);
            return (
              <li key={p.id} data-participant-role={p.role}>
                <span>{name}</span>
                <button type="button" onClick={() => exec(() => port.admit(p.id))}>
                  {t.console.admit(name)}
                </button>
                <button type="button" className="secondary" onClick={() => exec(() => port.deny(p.id))}>
                  {t.console.deny(name)}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
