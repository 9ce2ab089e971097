/**
 * The hearing's controls of a room screen, by role: the requested authority's panel, and the
 * judge's (the operator's: the gate only). The banner everyone sees is `HearingBanner`, shown by
 * the room screens with their other notices.
 */
import type { RoomPort, RoomSnapshot } from '../../room/port.js';
import { AuthorityPanel } from './AuthorityPanel.js';
import { JudgePanel } from './JudgePanel.js';

export function HearingControls({ port, snap }: { port: RoomPort; snap: RoomSnapshot }) {
  const role = snap.self?.role;
  const admitted = snap.phase === 'admitted';
  return (
    <>
      {role === 'authority' && <AuthorityPanel port={port} snap={snap} />}
      {admitted && (role === 'judge' || role === 'operator') && snap.hearing?.identityCheck && <JudgePanel port={port} snap={snap} />}
    </>
  );
}
