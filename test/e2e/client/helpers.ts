/**
 * Helpers for the client's browser tests: signing in through the real form, screenshots as
 * artifacts, axe-core checks, and reading what a <video> element has decoded.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { artifactPath } from '../../support/browser.js';
import { ROOT } from '../../support/hooks.js';

/**
 * How long a step may wait for a page to show what an action did. On CI's two cores, with four
 * pages, media workers and the database busy, a page was once starved for over 15 s; this is a
 * bound for a hung page, not a promptness requirement (tests of promptness use their own).
 */
export const UI_MS = 45_000;

/** A fresh context (own sessionStorage) with one page on `url`. */
export async function openPage(browser: Browser, url: string, viewport = { width: 1280, height: 800 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  // The console asks before ending a session or removing someone; tests say yes.
  page.on('dialog', (d) => void d.accept());
  await page.goto(url);
  return { context, page };
}

/** Signs in through the form and waits for the navigation bar. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main navigation' }).waitFor();
}

/** Saves a full-page screenshot as a test artifact. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: artifactPath(`${name}.png`), fullPage: true });
}

/** Frames decoded by the first <video> matching `selector` (0 when none). */
export async function framesDecoded(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel) => {
    const v = document.querySelector<HTMLVideoElement>(sel);
    return v ? v.getVideoPlaybackQuality().totalVideoFrames : 0;
  }, selector);
}

/** What a page shows that explains missing media: its alerts and its video elements. */
export async function mediaState(page: Page): Promise<string> {
  return page.evaluate(() => {
    const alerts = Array.from(document.querySelectorAll('[role="alert"]')).map((a) => a.textContent?.trim()).filter(Boolean);
    const videos = Array.from(document.querySelectorAll<HTMLVideoElement>('video')).map((v) => {
      const tracks = v.srcObject instanceof MediaStream ? v.srcObject.getTracks().map((t: MediaStreamTrack) => `${t.kind}:${t.readyState}${t.muted ? ':muted' : ''}`) : [];
      return `${v.dataset.role ?? '?'} ready=${v.readyState} paused=${v.paused} frames=${v.getVideoPlaybackQuality().totalVideoFrames} tracks=${tracks.join(',')}`;
    });
    return `alerts: ${JSON.stringify(alerts)}; videos: ${JSON.stringify(videos)}`;
  });
}

/** Polls `probe` until it returns true or `ms` pass; `explain` adds what the pages show to the failure. */
export async function eventually(probe: () => Promise<boolean>, ms: number, what: string, explain?: () => Promise<string>): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${explain ? ` (${await explain().catch((err: unknown) => String(err))})` : ''}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** One screen's axe-core findings of serious or critical impact. */
export interface AxeFinding {
  readonly id: string;
  readonly impact: string;
  readonly help: string;
  readonly targets: readonly string[];
}

/** Every screen checked in this run and its violations by impact (written to test-artifacts/axe-results.json). */
const axeResults: Record<string, Record<string, number>> = {};
const AXE_SOURCE = fs.readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core (injected into the page) on what the page shows now, records the counts per
 * impact, and returns the serious and critical violations.
 */
export async function axeViolations(page: Page, screen: string): Promise<AxeFinding[]> {
  // Evaluated through the debugging protocol: the app's CSP (script-src 'self') stays in force.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const found = await page.evaluate(async () => {
    const w = window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } };
    const r = await w.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact ?? 'unknown', help: v.help, targets: v.nodes.map((n) => String(n.target.join(' '))) }));
  });
  const counts: Record<string, number> = {};
  for (const v of found) counts[v.impact] = (counts[v.impact] ?? 0) + 1;
  axeResults[screen] = counts;
  fs.writeFileSync(artifactPath('axe-results.json'), JSON.stringify(axeResults, null, 2));
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** A screen as it is now: a screenshot in test-artifacts/ and no serious or critical axe-core violation. */
export async function checkScreen(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  const bad = await axeViolations(page, name);
  if (bad.length > 0) throw new Error(`axe-core on ${name}: ${JSON.stringify(bad, null, 2)}`);
}
