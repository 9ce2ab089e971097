/**
 * The publishers' media, encoded once by Debian's ffmpeg and kept in a cache folder: VP8 at
 * about 600 kbit/s (640×360, 30 fps; a key frame only at the start, as a browser sends them
 * only on request), the same pictures all as key frames (what a publisher sends after a PLI),
 * and Opus at 32 kbit/s in 20 ms packets.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Paths of the encoded files. */
export interface MediaFiles {
  readonly video: string;
  readonly keys: string;
  readonly audio: string;
}

/** Encodes (or finds) `seconds` of media at `size` (e.g. `640x360`) in the user's cache. */
export async function mediaFiles(opts: { seconds: number; size: string; videoKbps: number }): Promise<MediaFiles> {
  const dir = path.join(os.homedir(), '.cache', 'witness-bridge', 'bench-media', `${opts.size}-${opts.seconds}s-${opts.videoKbps}k-v1`);
  const files = { video: path.join(dir, 'video.ivf'), keys: path.join(dir, 'keys.ivf'), audio: path.join(dir, 'audio.ogg') };
  if (Object.values(files).every((f) => fs.existsSync(f))) return files;
  fs.mkdirSync(dir, { recursive: true });
  const src = ['-f', 'lavfi', '-i', `testsrc2=size=${opts.size}:rate=30`, '-t', String(opts.seconds)];
  const vp8 = ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-auto-alt-ref', '0', '-lag-in-frames', '0'];
  const kbps = `${opts.videoKbps}k`;
  const ff = (args: string[], out: string) => run('ffmpeg', ['-nostdin', '-loglevel', 'error', '-y', ...args, out + '.tmp.' + path.extname(out).slice(1)]).then(() => fs.renameSync(out + '.tmp.' + path.extname(out).slice(1), out));
  await ff([...src, ...vp8, '-b:v', kbps, '-minrate', kbps, '-maxrate', kbps, '-g', '100000', '-keyint_min', '100000', '-error-resilient', '1', '-f', 'ivf'], files.video);
  await ff([...src, ...vp8, '-b:v', `${opts.videoKbps * 5}k`, '-g', '1', '-f', 'ivf'], files.keys);
  await ff(['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', String(opts.seconds), '-ac', '2', '-c:a', 'libopus', '-b:a', '32k', '-frame_duration', '20', '-page_duration', '20000', '-f', 'ogg'], files.audio);
  return files;
}
