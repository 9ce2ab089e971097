/**
 * What a participant controls of their own media in the room: microphone and camera on or off
 * (server-side, so the operator sees it), the device in use, and — under simultaneous
 * interpretation — whether they hear the room or the interpretation. In the page's language.
 */
import { useId, useState } from 'react';
import type { RoomPort, RoomSnapshot } from '../../room/port.js';
import { ErrorNotice, UserFacingError } from '../../components/common.js';
import { DevicePicker, deviceErrorMessage, switchDevice, type DeviceKind } from '../../components/devices.js';
import { useLocale } from '../../i18n/index.js';
import { useRoomCommand } from '../hearing/useRoomCommand.js';

interface Props {
  readonly port: RoomPort;
  readonly snap: RoomSnapshot;
  /** What this participant sends; undefined for a watch-only role. */
  readonly local: MediaStream | undefined;
  onLocal(stream: MediaStream): void;
}

export function RoomToolbar({ port, snap, local, onLocal }: Props) {
  const m = useLocale().witness;
  const { error, busy, exec } = useRoomCommand();
  const [devices, setDevices] = useState(false);
  const [deviceError, setDeviceError] = useState<UserFacingError>();
  const panel = useId();
  if (!local) return <ListeningChoice port={port} snap={snap} />;
  const micOff = snap.own.audio === 'muted' || snap.own.audio === 'held';
  const camOff = snap.own.video === 'muted' || snap.own.video === 'held';
  const choose = (kind: DeviceKind, deviceId: string) => {
    setDeviceError(undefined);
    switchDevice(local, kind, deviceId, (track) => port.replaceTrack(track)).then(onLocal, (err: unknown) =>
      setDeviceError(err instanceof UserFacingError ? err : new UserFacingError(deviceErrorMessage(err, m.device))),
    );
  };
  return (
    <div className="room-toolbar" role="group" aria-label={m.room.controls}>
      <div className="row">
        {/* aria-pressed says the state; the words say what a press does. */}
        <button type="button" className={micOff ? 'toggle off' : 'toggle'} aria-pressed={micOff} disabled={busy || snap.own.audio === 'none'} onClick={() => void exec(() => port.setOwnMedia('audio', !micOff))}>
          {micOff ? m.room.unmute : m.room.mute}
        </button>
        <button type="button" className={camOff ? 'toggle off' : 'toggle'} aria-pressed={camOff} disabled={busy || snap.own.video === 'none'} onClick={() => void exec(() => port.setOwnMedia('video', !camOff))}>
          {camOff ? m.room.cameraOn : m.room.cameraOff}
        </button>
        <button type="button" className="secondary" aria-expanded={devices} aria-controls={panel} onClick={() => setDevices(!devices)}>
          {m.room.devices}
        </button>
      </div>
      {snap.own.audio === 'muted' && <p role="status">{m.room.micIsOff}</p>}
      {snap.own.video === 'muted' && <p role="status">{m.room.cameraIsOff}</p>}
      {devices && (
        <div id={panel} className="device-panel">
          <p>
            <strong>{m.room.devicesTitle}</strong>
          </p>
          <DevicePicker stream={local} text={m.device} onChoose={choose} />
          <ErrorNotice error={deviceError} />
          <button type="button" className="secondary" onClick={() => setDevices(false)}>
            {m.room.devicesDone}
          </button>
        </div>
      )}
      <ErrorNotice error={error} />
      <ListeningChoice port={port} snap={snap} />
    </div>
  );
}

/** Floor or interpretation, offered when the session's plan is simultaneous (not to interpreters). */
function ListeningChoice({ port, snap }: { port: RoomPort; snap: RoomSnapshot }) {
  const locale = useLocale();
  const m = locale.witness.room;
  const { error, busy, exec } = useRoomCommand();
  const plan = snap.hearing?.interpretation;
  if (!plan || plan.mode !== 'simultaneous' || snap.self?.role === 'interpreter' || snap.phase !== 'admitted') return null;
  const names = new Intl.DisplayNames([locale.meta.code], { type: 'language' });
  const into = names.of(snap.self?.role === 'witness' ? plan.witnessLanguage : plan.courtLanguage) ?? plan.courtLanguage;
  const option = (channel: 'floor' | 'interpretation', label: string) => (
    <label className="check">
      <input type="radio" name="listening" value={channel} checked={snap.listening === channel} disabled={busy} onChange={() => void exec(() => port.setListening(channel))} />
      {label}
    </label>
  );
  return (
    <fieldset className="listening">
      <legend>{m.listenTitle}</legend>
      {option('floor', m.listenFloor)}
      {option('interpretation', m.listenInterpretation(into))}
      <ErrorNotice error={error} />
    </fieldset>
  );
}
