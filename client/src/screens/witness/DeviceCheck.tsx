/** Camera and microphone check before joining, with a level meter and plain-language errors. */
import { useEffect, useState } from 'react';
import { ErrorNotice, UserFacingError } from '../../components/common.js';
import { LevelMeter, TrackVideo, useAudioLevel } from '../../components/media.js';
import { t } from '../../strings.js';

/** Maps getUserMedia failures to sentences a witness understands. */
export function deviceErrorMessage(err: unknown): string {
  const name = err instanceof DOMException || err instanceof Error ? err.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return t.device.refused;
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return t.device.missing;
  if (name === 'NotReadableError' || name === 'AbortError') return t.device.busy;
  return t.device.failed;
}

async function openDevices(): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) throw new UserFacingError(t.device.failed);
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360 } });
  const missing = stream.getVideoTracks().length === 0 ? t.device.noVideo : stream.getAudioTracks().length === 0 ? t.device.noAudio : undefined;
  if (missing) {
    stream.getTracks().forEach((tr) => tr.stop());
    throw new UserFacingError(missing);
  }
  return stream;
}

export function DeviceCheck({ onReady }: { onReady(stream: MediaStream): void }) {
  const [stream, setStream] = useState<MediaStream>();
  const [error, setError] = useState<UserFacingError>();
  const [busy, setBusy] = useState(false);
  const level = useAudioLevel(stream);

  const check = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setStream(await openDevices());
    } catch (err) {
      setError(err instanceof UserFacingError ? err : new UserFacingError(deviceErrorMessage(err)));
    } finally {
      setBusy(false);
    }
  };

  // Start at once: the browser asks for permission, which is the point of this screen.
  useEffect(() => {
    void check();
  }, []);

  return (
    <section className="calm card narrow" aria-labelledby="device-title">
      <h1 id="device-title">{t.device.title}</h1>
      <p>{t.device.intro}</p>
      {busy && <p role="status">{t.device.checking}</p>}
      <ErrorNotice error={error} />
      {error && (
        <button type="button" onClick={() => void check()}>
          {t.device.retry}
        </button>
      )}
      {stream && (
        <>
          <TrackVideo track={stream.getVideoTracks()[0]} label={t.device.preview} className="preview" />
          <LevelMeter level={level} label={t.device.level} />
          <p className="muted">{t.device.speak}</p>
          <p role="status" className="ok">
            {t.device.ok}
          </p>
          <button type="button" onClick={() => onReady(stream)}>
            {t.device.continue}
          </button>
        </>
      )}
    </section>
  );
}
