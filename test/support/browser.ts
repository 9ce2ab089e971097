/**
 * Debian's Chromium driven by playwright-core, with fake camera and microphone. Never downloads
 * a browser.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { ROOT } from './hooks.js';

/** Flags every test browser starts with (see the developers' brief). */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  // Received audio is played into WebAudio by the masking tests without a click.
  '--autoplay-policy=no-user-gesture-required',
];

/** What the fake camera and microphone play (files, looped); a test pattern and a beep otherwise. */
export interface FakeMedia {
  /** A .y4m or .mjpeg file. */
  readonly camera?: string;
  /** A .wav file. */
  readonly microphone?: string;
}

/** Starts headless Chromium; close it in `after`. */
export function launchChromium(fake: FakeMedia = {}): Promise<Browser> {
  const args = [...CHROMIUM_ARGS];
  if (fake.camera) args.push(`--use-file-for-fake-video-capture=${fake.camera}`);
  if (fake.microphone) args.push(`--use-file-for-fake-audio-capture=${fake.microphone}`);
  return chromium.launch({ executablePath: '/usr/bin/chromium', args, headless: true });
}

/** Folder for screenshots and other test artifacts (`test-artifacts/`, ignored by git). */
export function artifactPath(name: string): string {
  const dir = path.join(ROOT, 'test-artifacts');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}
