/** Media elements bound to tracks and streams. */
import { useEffect, useRef, useState } from 'react';

/** Plays one video track (muted: audio plays through `AudioSinks`). */
export function TrackVideo({ track, label, className, testRole }: { track: MediaStreamTrack | undefined; label: string; className?: string; testRole?: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.srcObject = track ? new MediaStream([track]) : null;
    if (track) el.play().catch(() => undefined);
  }, [track]);
  return <video ref={ref} className={className} aria-label={label} autoPlay playsInline muted data-role={testRole} />;
}

/** Plays every remote audio track, invisibly. */
export function AudioSinks({ tracks }: { tracks: readonly MediaStreamTrack[] }) {
  return (
    <div hidden>
      {tracks.map((tr) => (
        <AudioSink key={tr.id} track={tr} />
      ))}
    </div>
  );
}

function AudioSink({ track }: { track: MediaStreamTrack }) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.srcObject = new MediaStream([track]);
    el.play().catch(() => undefined);
  }, [track]);
  return <audio ref={ref} autoPlay />;
}

/** Microphone level 0..1 of a stream's audio, sampled each animation frame. */
export function useAudioLevel(stream: MediaStream | undefined): number {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    if (!stream || stream.getAudioTracks().length === 0) return;
    const ctx = new AudioContext();
    const source = ctx.createMediaStreamSource(stream);
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    const buf = new Uint8Array(analyser.fftSize);
    let frame = 0;
    const tick = () => {
      analyser.getByteTimeDomainData(buf);
      let sum = 0;
      for (const v of buf) sum += ((v - 128) / 128) ** 2;
      // RMS scaled so ordinary speech fills most of the bar; falls back slowly so it is readable.
      const now = Math.min(1, Math.sqrt(sum / buf.length) * 4);
      setLevel((prev) => Math.max(now, prev * 0.95));
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => {
      cancelAnimationFrame(frame);
      source.disconnect();
      void ctx.close();
    };
  }, [stream]);
  return level;
}

/** A labelled meter bar. */
export function LevelMeter({ level, label }: { level: number; label: string }) {
  const pct = Math.round(level * 100);
  return (
    <div className="meter-wrap">
      <span id="level-label">{label}</span>
      <div className="meter" role="meter" aria-labelledby="level-label" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} data-testid="level-meter">
        <div className="meter-fill" style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}
