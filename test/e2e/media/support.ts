/**
 * Browser-side helpers for the live room tests: the harness bundle (built once with esbuild from
 * test/e2e/harness) and pages driving a real RoomClient against the service.
 */
import path from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { ROOT } from '../../support/hooks.js';
import { bearer, type Scenario } from '../../support/scenario.js';
import type { TestService } from '../../support/service.js';

let bundle: Promise<string> | undefined;

/** The harness as one script (built on first use). */
export function harnessBundle(): Promise<string> {
  bundle ??= build({
    entryPoints: [path.join(ROOT, 'test/e2e/harness/harness.ts')],
    bundle: true,
    format: 'iife',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  }).then((r) => r.outputFiles[0]!.text);
  return bundle;
}

/** A page on the service origin (a secure context: localhost) with `window.wb` loaded. */
export async function harnessPage(browser: Browser, url: string): Promise<Page> {
  // The harness is injected inline; the served app's CSP (script-src 'self') would refuse it.
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await page.goto(url + '/healthz');
  await page.addScriptTag({ content: await harnessBundle() });
  return page;
}

/** Result of `wb.connect()` in the page. */
export type ConnectResult = { ok: true; participantId: string; role: string; admission: string } | { ok: false; code: string; message: string };

/** Opens a page and connects it to the room with `token`. */
export async function connectPage(browser: Browser, url: string, token: string, sessionId?: string): Promise<{ page: Page; result: ConnectResult }> {
  const page = await harnessPage(browser, url);
  const result = await page.evaluate(([t, s]) => window.wb.connect(t!, s), [token, sessionId] as const);
  return { page, result };
}

/** Ack of a request made from a page. */
export type PageAck = { ok: true; data: unknown } | { ok: false; error: { code: string; message: string } };

export function pageRequest(page: Page, name: string, payload: unknown): Promise<PageAck> {
  return page.evaluate(([n, p]) => window.wb.request(n as string, p), [name, payload] as const) as Promise<PageAck>;
}

/** Figures of every stream a page receives. */
export function inbound(page: Page) {
  return page.evaluate(() => window.wb.inbound());
}

/** Polls `probe` until it returns a truthy value or `ms` pass; returns the value or throws. */
export async function eventually<T>(probe: () => Promise<T | undefined | false>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`eventually(): ${what} not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Moves the scenario's session to `lobby` through the HTTP API. */
export async function openLobby(svc: TestService, s: Scenario): Promise<void> {
  await request(svc.url).post(`/api/sessions/${s.sessionId}/status`).set('Authorization', bearer(s.users.operator.token)).send({ status: 'lobby' }).expect(200);
}

/** Closes every page's context. */
export async function closePages(pages: Page[]): Promise<void> {
  await Promise.all(pages.map((p) => p.context().close().catch(() => undefined)));
}

declare global {
  interface Window {
    wb: {
      connect(token: string, sessionId?: string): Promise<ConnectResult>;
      waitAdmitted(): Promise<void>;
      join(): Promise<void>;
      publish(size?: { width: number; height: number }): Promise<Partial<Record<'audio' | 'video', string>>>;
      producerIds(): Partial<Record<'audio' | 'video', string>>;
      remotes(): { consumerId: string; producerId: string; role: string; kind: string; paused: boolean; variant: string; preview: boolean; ducked: boolean }[];
      recordVideo(role: string, max: number): void;
      frames(role: string): { at: number; variant: string; presented: number; dataUrl: string }[];
      recordAudio(role: string, seconds: number): Promise<number[]>;
      recordMix(seconds: number): Promise<number[]>;
      request(name: string, payload: unknown): Promise<unknown>;
      inbound(): Promise<{ consumerId: string; producerId: string; role: string; kind: string; paused: boolean; variant: string; preview: boolean; ducked: boolean; framesDecoded: number; bytesReceived: number }[]>;
      timeToFirstFrame(token: string, sessionId: string | undefined, role: string, timeoutMs: number): Promise<number>;
      stages(): { connected?: number; joined?: number; consumer?: number; dtls?: number; firstBytes?: number };
      log(): { at: number; event: string; detail: unknown }[];
      now(): number;
      close(): void;
    };
  }
}
