import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser.js';
import { startTestService, type TestService } from '../support/service.js';

describe('Chromium against the service', () => {
  let browser: Browser;
  let svc: TestService;
  before(async function () {
    this.timeout(30_000);
    [browser, svc] = await Promise.all([launchChromium(), startTestService()]);
  });
  after(async () => {
    await browser?.close();
    await svc?.close();
  });

  it('serves the built client at / and the page can open the fake camera and microphone', async () => {
    const page = await browser.newPage();
    await page.goto(svc.url + '/');
    await page.waitForSelector('h1');
    const tracks = await page.evaluate(async () => {
      const s = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
      const kinds = s.getTracks().map((t) => t.kind).sort();
      s.getTracks().forEach((t) => t.stop());
      return kinds;
    });
    expect(tracks).to.deep.equal(['audio', 'video']);
    await page.close();
  });
});
