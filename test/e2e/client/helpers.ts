/**
 * Helpers for the client's browser tests: signing in through the real form, screenshots as
 * artifacts, and reading what a <video> element has decoded.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { artifactPath } from '../../support/browser.js';

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

/** Polls `probe` until it returns true or `ms` pass. */
export async function eventually(probe: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
