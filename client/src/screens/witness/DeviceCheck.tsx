/** Camera and microphone check before joining: device choice, a level meter and plain-language errors. */
import { useEffect, useState, type ReactNode } from 'react';
import { ErrorNotice, UserFacingError } from '../../components/common.js';
import { DevicePicker, deviceErrorMessage, openDevices, switchDevice, type DeviceKind } from '../../components/devices.js';
import { LevelMeter, TrackVideo, useAudioLevel } from '../../components/media.js';
import { usePageTitle } from '../../app/title.js';
import { useWitnessText } from '../../i18n/index.js';

/** The check screen; `header` is shown above it (the language switch on witness pages). */
export function DeviceCheck({ onReady, header }: { onReady(stream: MediaStream): void; header?: ReactNode }) {
  const all = useWitnessText();
  const text = all.device;
  usePageTitle(all.titles.device);
  const [stream, setStream] = useState<MediaStream>();
  const [error, setError] = useState<UserFacingError>();
  const [busy, setBusy] = useState(false);
  const level = useAudioLevel(stream);

  const attempt = async (open: () => Promise<MediaStream>) => {
    setBusy(true);
    setError(undefined);
    try {
      setStream(await open());
    } catch (err) {
      setError(err instanceof UserFacingError ? err : new UserFacingError(deviceErrorMessage(err, text)));
    } finally {
      setBusy(false);
    }
  };
  const check = () => attempt(() => openDevices(text));
  const choose = (kind: DeviceKind, deviceId: string) => {
    if (stream) void attempt(() => switchDevice(stream, kind, deviceId));
  };

  // Start at once: the browser asks for permission, which is the point of this screen.
  useEffect(() => {
    void check();
  }, []);

  return (
    <section className="calm card narrow" aria-labelledby="device-title">
      {header}
      <h1 id="device-title">{text.title}</h1>
      <p>{text.intro}</p>
      {busy && <p role="status">{text.checking}</p>}
      <ErrorNotice error={error} />
      {error && !stream && (
        <button type="button" onClick={() => void check()}>
          {text.retry}
        </button>
      )}
      {stream && (
        <>
          <TrackVideo track={stream.getVideoTracks()[0]} label={text.preview} className="preview" />
          <DevicePicker stream={stream} text={text} disabled={busy} onChoose={choose} />
          <LevelMeter level={level} label={text.level} />
          <p className="muted">{text.speak}</p>
          <p role="status" className="ok">
            {text.ok}
          </p>
          <button type="button" onClick={() => onReady(stream)}>
            {text.continue}
          </button>
        </>
      )}
    </section>
  );
}
