/**
 * Node-side analysis of what a browser received: faces in decoded frames (OpenCV's Haar cascade,
 * run by the masker environment's Python) and the fundamental frequency of received speech.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../../support/hooks.js';

const PYTHON = path.join(ROOT, 'tools/masker/venv/bin/python');
const FACES = path.join(ROOT, 'test/e2e/media/faces.py');

/** A face the independent detector found: its box in the frame and the region, 32x32 grey, as a base64 PNG. */
export interface FoundFace {
  readonly box: readonly [number, number, number, number];
  /** How many detection windows agree (faces.py counts 20 or more only). */
  readonly neighbours: number;
  readonly png: string;
}

/** Number of faces the independent detector finds in each frame (JPEG data URLs). */
export function facesIn(frames: readonly { dataUrl: string }[], keepIn?: string): number[] {
  return facesFound(frames, keepIn).map((faces) => faces.length);
}

/**
 * What a face found in a frame that should show none looks like, for a failure's message: which
 * frame, when, where, and the region itself (paste the data URL in a browser to see it).
 */
export function describeFaces(frames: readonly { at: number }[], found: readonly (readonly FoundFace[])[]): string[] {
  return found.flatMap((faces, i) => faces.map((f) => `frame ${i} (+${frames[i]!.at - frames[0]!.at} ms) box ${f.box.join(',')} (${f.neighbours} windows) data:image/png;base64,${f.png}`));
}

/** The faces the independent detector finds in each frame (JPEG data URLs); `keepIn` keeps the frames there. */
export function facesFound(frames: readonly { dataUrl: string }[], keepIn?: string): FoundFace[][] {
  if (frames.length === 0) return [];
  const dir = keepIn ?? fs.mkdtempSync(path.join(os.tmpdir(), 'wb-frames-'));
  fs.mkdirSync(dir, { recursive: true });
  const files = frames.map((f, i) => {
    const file = path.join(dir, `frame-${String(i).padStart(4, '0')}.jpg`);
    fs.writeFileSync(file, Buffer.from(f.dataUrl.slice(f.dataUrl.indexOf(',') + 1), 'base64'));
    return file;
  });
  try {
    return JSON.parse(execFileSync(PYTHON, [FACES, ...files], { encoding: 'utf8', maxBuffer: 1 << 24 })) as FoundFace[][];
  } finally {
    if (!keepIn) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Median fundamental frequency (Hz) of the voiced 40 ms frames of `samples` (mono, `rate` Hz),
 * by normalised autocorrelation between 60 and 400 Hz; undefined when nothing is voiced.
 */
export function medianF0(samples: readonly number[], rate = 16000): number | undefined {
  const frame = Math.round(rate * 0.04);
  const minLag = Math.floor(rate / 400);
  const maxLag = Math.ceil(rate / 60);
  const peak = Math.max(1e-9, ...samples.map(Math.abs));
  const f0s: number[] = [];
  for (let start = 0; start + frame + maxLag < samples.length; start += frame) {
    const x = samples.slice(start, start + frame + maxLag);
    const energy = Math.sqrt(x.slice(0, frame).reduce((a, v) => a + v * v, 0) / frame);
    if (energy < peak * 0.08) continue;
    let best = 0;
    let bestLag = 0;
    for (let lag = minLag; lag <= maxLag; lag++) {
      let num = 0;
      let e1 = 0;
      let e2 = 0;
      for (let i = 0; i < frame; i++) {
        num += x[i]! * x[i + lag]!;
        e1 += x[i]! * x[i]!;
        e2 += x[i + lag]! * x[i + lag]!;
      }
      const r = num / Math.sqrt(e1 * e2 + 1e-12);
      if (r > best) {
        best = r;
        bestLag = lag;
      }
    }
    if (best > 0.6) f0s.push(rate / bestLag);
  }
  if (f0s.length < 5) return undefined;
  f0s.sort((a, b) => a - b);
  return f0s[Math.floor(f0s.length / 2)];
}

/** Pitch difference in semitones (positive: `b` higher than `a`). */
export const semitones = (a: number, b: number): number => 12 * Math.log2(b / a);

/** Power of `freq` Hz in `samples` (Goertzel), for telling test tones apart. */
export function tonePower(samples: readonly number[], freq: number, rate = 16000): number {
  const k = (2 * Math.PI * freq) / rate;
  const coeff = 2 * Math.cos(k);
  let s1 = 0;
  let s2 = 0;
  for (const x of samples) {
    const s0 = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return (s1 * s1 + s2 * s2 - coeff * s1 * s2) / samples.length;
}

/** Level of `a` over `b` in dB. */
export const dB = (a: number, b: number): number => 10 * Math.log10(Math.max(a, 1e-12) / Math.max(b, 1e-12));
