/** Who waits in the lobby (connected now), with admit, deny and admit all. */
import type { RoomParticipant, RoomPort } from '../../room/port.js';
import { isPresent } from '../../room/roomView.js';
import { t } from '../../strings.js';
import { feedLabel } from '../participant/FeedGrid.js';

export function LobbyPanel({ participants, port, exec }: { participants: readonly RoomParticipant[]; port: RoomPort; exec(run: () => Promise<void>): void }) {
  // Someone who left the lobby is not offered: admitting them would admit an empty place.
  const waiting = participants.filter((p) => p.inLobby && isPresent(p));
  return (
    <div className="card lobby" aria-labelledby="lobby-title">
      <h2 id="lobby-title">{t.console.lobby}</h2>
      {waiting.length === 0 ? (
        <p className="muted">{t.console.lobbyEmpty}</p>
      ) : (
        <>
          {waiting.length > 1 && (
            <button type="button" onClick={() => exec(() => port.admitAll())}>
              {t.courtRoom.admitAll(waiting.length)}
            </button>
          )}
          <ul>
            {waiting.map((p) => {
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
        </>
      )}
    </div>
  );
}
