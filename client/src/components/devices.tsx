/**
 * Camera and microphone: opening them, listing them, and switching one while keeping the other
 * (the device check and the room's device choice use the same picker).
 */
import { useEffect, useId, useState } from 'react';
import type { WitnessMessages } from '../i18n/index.js';
import { UserFacingError } from './common.js';

type DeviceText = WitnessMessages['device'];
export type DeviceKind = 'audio' | 'video';

/** The camera constraints of every stream we send (what the masking is sized for). */
const VIDEO = { width: 640, height: 360 } as const;

/** Maps getUserMedia failures to sentences a witness understands. */
export function deviceErrorMessage(err: unknown, text: DeviceText): string {
  const name = err instanceof DOMException || err instanceof Error ? err.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return text.refused;
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return text.missing;
  if (name === 'NotReadableError' || name === 'AbortError') return text.busy;
  return text.failed;
}

/** Opens the camera and microphone; both must be there. */
export async function openDevices(text: DeviceText): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) throw new UserFacingError(text.failed);
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: VIDEO });
  const missing = stream.getVideoTracks().length === 0 ? text.noVideo : stream.getAudioTracks().length === 0 ? text.noAudio : undefined;
  if (missing) {
    stream.getTracks().forEach((tr) => tr.stop());
    throw new UserFacingError(missing);
  }
  return stream;
}

/**
 * Opens `deviceId` for `kind` and returns `stream` with that track in place of the old one; the
 * old track is stopped once `send` (e.g. handing the new track to the room) has succeeded.
 */
export async function switchDevice(stream: MediaStream, kind: DeviceKind, deviceId: string, send?: (track: MediaStreamTrack) => Promise<void>): Promise<MediaStream> {
  const constraints = kind === 'video' ? { video: { ...VIDEO, deviceId: { exact: deviceId } } } : { audio: { deviceId: { exact: deviceId } } };
  const fresh = await navigator.mediaDevices.getUserMedia(constraints);
  const track = kind === 'video' ? fresh.getVideoTracks()[0] : fresh.getAudioTracks()[0];
  if (!track) throw new Error('switchDevice(): the device gave no track');
  try {
    await send?.(track);
  } catch (err) {
    track.stop();
    throw err;
  }
  const old = stream.getTracks().filter((x) => x.kind === kind);
  old.forEach((x) => x.stop());
  return new MediaStream([...stream.getTracks().filter((x) => x.kind !== kind), track]);
}

/** The cameras and microphones the browser lists (with names once access was allowed), kept current. */
function useDeviceList(): MediaDeviceInfo[] {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  useEffect(() => {
    const md = navigator.mediaDevices;
    if (!md?.enumerateDevices) return;
    let alive = true;
    const load = () => void md.enumerateDevices().then((d) => alive && setDevices(d.filter((x) => x.kind === 'videoinput' || x.kind === 'audioinput')));
    load();
    md.addEventListener('devicechange', load);
    return () => {
      alive = false;
      md.removeEventListener('devicechange', load);
    };
  }, []);
  return devices;
}

/** The id of the device behind a stream's track of `kind`. */
const currentId = (stream: MediaStream, kind: DeviceKind) => (kind === 'video' ? stream.getVideoTracks() : stream.getAudioTracks())[0]?.getSettings().deviceId ?? '';

/** Two selects, camera and microphone; `onChoose` gets the kind and the chosen device id. */
export function DevicePicker({ stream, text, disabled, onChoose }: { stream: MediaStream; text: DeviceText; disabled?: boolean; onChoose(kind: DeviceKind, deviceId: string): void }) {
  const id = useId();
  const devices = useDeviceList();
  const select = (kind: DeviceKind, label: string) => {
    const list = devices.filter((d) => d.kind === (kind === 'video' ? 'videoinput' : 'audioinput') && d.deviceId);
    const current = currentId(stream, kind);
    return (
      <label htmlFor={`${id}-${kind}`}>
        {label}
        <select id={`${id}-${kind}`} value={list.some((d) => d.deviceId === current) ? current : ''} disabled={disabled || list.length < 2} onChange={(e) => onChoose(kind, e.target.value)}>
          {!list.some((d) => d.deviceId === current) && <option value="">{label}</option>}
          {list.map((d, i) => (
            <option key={d.deviceId} value={d.deviceId}>
              {d.label || `${label} ${i + 1}`}
            </option>
          ))}
        </select>
      </label>
    );
  };
  return (
    <div className="row device-picker">
      {select('video', text.camera)}
      {select('audio', text.microphone)}
    </div>
  );
}
