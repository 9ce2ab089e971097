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

/** How loud the floor plays while its listener follows the interpretation (about 15 %). */
export const DUCKED_VOLUME = 0.15;

/** One received sound: its track, whose it is, and whether it is the ducked floor. */
export interface AudioFeed {
  readonly track: MediaStreamTrack;
  readonly role?: string;
  readonly ducked?: boolean;
}

/** Plays every remote audio track, invisibly; the ducked floor quietly under the interpretation. */
export function AudioSinks({ feeds }: { feeds: readonly AudioFeed[] }) {
  return (
    <div hidden>
      {feeds.map((f) => (
        <AudioSink key={f.track.id} feed={f} />
      ))}
    </div>
  );
}

function AudioSink({ feed }: { feed: AudioFeed }) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.srcObject = new MediaStream([feed.track]);
    el.play().catch(() => undefined);
  }, [feed.track]);
  useEffect(() => {
    if (ref.current) ref.current.volume = feed.ducked ? DUCKED_VOLUME : 1;
  }, [feed.ducked]);
  return <audio ref={ref} autoPlay data-role={feed.role} data-ducked={feed.ducked ? 'true' : undefined} />;
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
