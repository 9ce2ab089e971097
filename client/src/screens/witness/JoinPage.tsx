/**
 * The one-time link (`/join#token=…`): connect → device check (only for a role that publishes:
 * the public gallery watches without being asked) → lobby → room, in the language the court chose
 * for this person (switchable). The token is read from the fragment (never sent to the HTTP
 * server), kept in this tab so a reload or a rejoin reconnects, and sent only in the Socket.IO
 * handshake.
 */
import { useEffect, useMemo, useState } from 'react';
import type { RoomPhase } from '../../room/port.js';
import { useRoomEntry } from '../room/useRoomEntry.js';
import { LanguageProvider, initialLanguage, keepLanguage, type Locale, type WitnessMessages } from '../../i18n/index.js';
import { DeviceCheck } from './DeviceCheck.js';
import { WitnessRoom } from './WitnessRoom.js';
import { ParticipantStage } from '../participant/ParticipantStage.js';
import { LanguageSwitch } from './LanguageSwitch.js';
import { ClosedToPublicPage, FinalPage, RefusedPage, UsedElsewherePage, WaitingPage } from './JoinScreens.js';
import { forgetLink, takeLinkFacts } from './invitationLink.js';
import { witnessSentence } from './witnessText.js';
import { HearingControls } from '../hearing/HearingControls.js';

/** Phases after which the session is over for this person, with their title and sentence. */
const FINAL: Partial<Record<RoomPhase, (m: WitnessMessages) => { title: string; text: string }>> = {
  denied: (m) => ({ title: m.titles.cannotJoin, text: m.join.denied }),
  removed: (m) => ({ title: m.titles.ended, text: m.join.removed }),
  ended: (m) => ({ title: m.titles.ended, text: m.join.ended }),
  left: (m) => ({ title: m.titles.left, text: m.join.left }),
};

/** Refusals after which the link will never work in this tab again. */
const FOR_GOOD = new Set(['invalid_invitation', 'invitation_used', 'session_over']);

export function JoinPage() {
  const link = useMemo(takeLinkFacts, []);
  const [locale, setLocale] = useState<Locale>(() => {
    if (link.lang) keepLanguage(link.lang);
    return initialLanguage(link.lang);
  });
  const choose = (l: Locale) => {
    keepLanguage(l.meta.code);
    setLocale(l);
  };
  return (
    <LanguageProvider locale={locale}>
      <JoinFlow token={link.token} start={link.start} roleHint={link.role} header={<LanguageSwitch onChange={choose} />} m={locale.witness} />
    </LanguageProvider>
  );
}

function JoinFlow({ token, start, roleHint, header, m }: { token: string | undefined; start: string | undefined; roleHint: string | undefined; header: React.ReactNode; m: WitnessMessages }) {
  const entry = useRoomEntry({ token, roleHint });
  const { port, snap } = entry;

  useEffect(() => {
    if (snap.phase === 'ended' || snap.phase === 'removed' || snap.phase === 'denied' || FOR_GOOD.has(snap.errorCode ?? '')) forgetLink();
  }, [snap.phase, snap.errorCode]);

  if (!token) return <RefusedPage header={header} text={m.join.noToken} />;
  const final = FINAL[snap.phase]?.(m);
  // Leaving by choice keeps the link in this tab: the same device may go back in.
  if (final) return <FinalPage header={header} title={final.title} text={final.text} {...(snap.phase === 'left' ? { onRejoin: entry.rejoin } : {})} />;
  if (snap.errorCode === 'invitation_used') return <UsedElsewherePage header={header} />;
  if (snap.phase === 'refused' || snap.phase === 'error') return <RefusedPage header={header} text={witnessSentence(m, snap.errorCode)} />;
  // Only a role that publishes is asked for a camera and microphone: the link says the role, so the
  // devices can be checked while the room is not open yet; once connected the server's word counts.
  if (port && entry.needsDevices)
    return (
      <main id="main" className="calm">
        <DeviceCheck onReady={entry.ready} header={header} />
      </main>
    );
  if (!port || !snap.self || snap.phase === 'connecting' || snap.phase === 'lobby') {
    const early = snap.waitingCode === 'invitation_not_yet_valid' || snap.waitingCode === 'room_not_open';
    const retrying = snap.waitingCode !== undefined && !early;
    const text = snap.phase === 'connecting' || retrying ? m.join.connecting : snap.waitingCode === 'invitation_not_yet_valid' ? m.join.notValidYet : early ? m.join.notOpenYet : m.join.lobbyText;
    return (
      <WaitingPage header={header} text={text} start={early ? start : undefined}>
        {port && snap.self?.role === 'authority' && <HearingControls port={port} snap={snap} />}
      </WaitingPage>
    );
  }
  if (snap.self.role === 'public' && snap.closedSession) return <ClosedToPublicPage header={header} />;
  if (snap.self.role !== 'witness') return <ParticipantStage port={port} snap={snap} local={entry.local} onLocal={entry.setLocal} />;
  return <WitnessRoom port={port} snap={snap} local={entry.local} onLocal={entry.setLocal} />;
}
