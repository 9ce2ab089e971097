/**
 * Browser-side recorders for the masking tests: every decoded video frame of a received stream,
 * from the very first one (MediaStreamTrackProcessor), and the received audio as samples
 * (WebAudio). Installed before the stream arrives, so nothing is missed.
 */

declare class MediaStreamTrackProcessor<T> {
  constructor(init: { track: MediaStreamTrack });
  readonly readable: ReadableStream<T>;
}
import type { RemoteMedia, RoomClient } from '../../../client/src/rooms/index.js';

/** Frames as JPEG data URLs, with the variant of the consumer that delivered each. */
export interface RecordedFrame {
  readonly at: number;
  readonly variant: string;
  /** 1 for the first frame the stream delivered, 2 for the next, … */
  readonly presented: number;
  readonly dataUrl: string;
}

const WIDTH = 640;
const HEIGHT = 360;

/** Records up to `max` decoded frames of every `role` video the client receives (not previews); the getter returns them all so far. */
export function recordVideo(client: RoomClient, role: string, max: number): () => RecordedFrame[] {
  const frames: RecordedFrame[] = [];
  const canvas = document.createElement('canvas');
  canvas.width = WIDTH;
  canvas.height = HEIGHT;
  const ctx = canvas.getContext('2d')!;
  const attach = (r: RemoteMedia) => {
    if (r.role !== role || r.kind !== 'video' || r.preview) return;
    // Every frame the track delivers, in order, from the first (a video element's callbacks
    // skip frames when the page is busy).
    const reader = new MediaStreamTrackProcessor<VideoFrame>({ track: r.track }).readable.getReader();
    let presented = 0;
    const next = async (): Promise<void> => {
      for (;;) {
        const { value: frame, done } = await reader.read();
        if (done || !frame) return;
        presented++;
        if (frames.length < max) {
          ctx.drawImage(frame, 0, 0, WIDTH, HEIGHT);
          frames.push({ at: performance.now(), variant: r.variant, presented, dataUrl: canvas.toDataURL('image/jpeg', 0.9) });
        }
        frame.close();
      }
    };
    void next();
  };
  client.remotes.forEach(attach);
  client.on('remoteAdded', attach);
  return () => frames.slice();
}

/**
 * Records the audio of `role` streams for `seconds` once one arrives; resolves mono samples at
 * 16 kHz. Remote WebRTC audio reaches WebAudio only while a media element plays it too.
 */
export function recordAudio(client: RoomClient, role: string, seconds: number): Promise<number[]> {
  return new Promise((resolve) => {
    const start = (r: RemoteMedia) => {
      if (r.role !== role || r.kind !== 'audio' || r.preview) return;
      off();
      const stream = new MediaStream([r.track]);
      const el = new Audio();
      el.muted = true;
      el.srcObject = stream;
      void el.play();
      const ac = new AudioContext({ sampleRate: 16000 });
      const source = ac.createMediaStreamSource(stream);
      const proc = ac.createScriptProcessor(4096, 1, 1);
      const samples: number[] = [];
      proc.onaudioprocess = (e) => {
        const data = e.inputBuffer.getChannelData(0);
        for (let i = 0; i < data.length; i++) samples.push(data[i]!);
        if (samples.length >= seconds * 16000) {
          proc.disconnect();
          source.disconnect();
          void ac.close();
          resolve(samples.slice(0, seconds * 16000).map((v) => Math.round(v * 10000) / 10000));
        }
      };
      source.connect(proc);
      proc.connect(ac.destination);
    };
    const off = client.on('remoteAdded', start);
    const now = client.remotes.find((r) => r.role === role && r.kind === 'audio' && !r.preview);
    if (now) start(now);
  });
}

/**
 * Records `seconds` of what the participant hears: every received audio stream (previews aside)
 * mixed at the level the client plays it (ducked floor at DUCKED_GAIN), mono 16 kHz.
 */
export const DUCKED_GAIN = 0.15;
export function recordMix(client: RoomClient, seconds: number): Promise<number[]> {
  const ac = new AudioContext({ sampleRate: 16000 });
  const mix = ac.createGain();
  const keep: HTMLAudioElement[] = [];
  for (const r of client.remotes) {
    if (r.kind !== 'audio' || r.preview) continue;
    const stream = new MediaStream([r.track]);
    const el = new Audio();
    el.muted = true;
    el.srcObject = stream;
    void el.play();
    keep.push(el);
    const gain = ac.createGain();
    gain.gain.value = r.ducked ? DUCKED_GAIN : 1;
    ac.createMediaStreamSource(stream).connect(gain).connect(mix);
  }
  const proc = ac.createScriptProcessor(4096, 1, 1);
  mix.connect(proc);
  proc.connect(ac.destination);
  const samples: number[] = [];
  return new Promise((resolve) => {
    proc.onaudioprocess = (e) => {
      const data = e.inputBuffer.getChannelData(0);
      for (let i = 0; i < data.length; i++) samples.push(data[i]!);
      if (samples.length >= seconds * 16000) {
        proc.disconnect();
        void ac.close();
        keep.forEach((el) => (el.srcObject = null));
        resolve(samples.slice(0, seconds * 16000).map((v) => Math.round(v * 10000) / 10000));
      }
    };
  });
}
