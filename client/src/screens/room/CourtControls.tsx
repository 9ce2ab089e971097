/**
 * The judge's controls in their own room (where they are seen and heard): the lobby with admit
 * all, start and end, closed session, and ordering or lifting the witness's face and voice
 * disguise during the hearing. The operator console has the same controls; the judge needs no
 * second connection for them.
 */
import type { RoomPort, RoomSnapshot } from '../../room/port.js';
import { ErrorNotice } from '../../components/common.js';
import { t } from '../../strings.js';
import { LobbyPanel } from '../operator/LobbyPanel.js';
import { MeasureToggles, SessionControls } from '../operator/SessionControls.js';
import { useRoomCommand } from '../hearing/useRoomCommand.js';

export function CourtControls({ port, snap }: { port: RoomPort; snap: RoomSnapshot }) {
  const { error, exec: run } = useRoomCommand();
  const exec = (f: () => Promise<void>) => void run(f);
  return (
    <section className="court-controls" aria-labelledby="court-controls-title">
      <h2 id="court-controls-title">{t.courtRoom.controlsTitle}</h2>
      <ErrorNotice error={error} />
      <SessionControls port={port} snap={snap} status={snap.sessionStatus ?? ''} exec={exec} />
      <MeasureToggles port={port} snap={snap} exec={exec} />
      <LobbyPanel participants={snap.participants} port={port} exec={exec} />
    </section>
  );
}
