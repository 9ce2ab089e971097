import { expect } from 'chai';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, launchChromium } from '../../support/browser.js';
import { testDatabaseUri } from '../../support/hooks.js';
import { startTestService, type TestService } from '../../support/service.js';
import { eventually, openPage, screenshot } from './helpers.js';

describe('Client: the witness device check', () => {
  let browser: Browser;
  let svc: TestService;
  before(async function () {
    this.timeout(30_000);
    [browser, svc] = await Promise.all([launchChromium(), startTestService({ MONGODB_URI: testDatabaseUri('wb_e2e_client_witness') })]);
  });
  after(async () => {
    await browser?.close();
    await svc?.close();
  });

  it('shows the camera picture and a moving microphone level, and takes the token out of the address bar', async () => {
    const { context, page } = await openPage(browser, `${svc.url}/join#token=not-a-real-token`);
    await page.getByRole('heading', { name: 'Check your camera and microphone' }).waitFor();
    expect(page.url()).to.equal(`${svc.url}/join`);
    await page.getByText('Your camera and microphone work.', { exact: true }).waitFor();
    // Chromium's fake microphone beeps: the meter must rise above zero.
    await eventually(async () => Number(await page.getByTestId('level-meter').getAttribute('aria-valuenow')) > 0, 5000, 'the level meter');
    await eventually(() => page.evaluate(() => (document.querySelector('video')?.videoWidth ?? 0) > 0), 5000, 'the preview');
    await screenshot(page, 'witness-device-check');
    await context.close();
  });

  it('explains that an incomplete link cannot be used', async () => {
    const { context, page } = await openPage(browser, `${svc.url}/join`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).to.contain('This link is not complete');
    await context.close();
  });

  for (const [errorName, sentence] of [
    ['NotFoundError', 'No camera or microphone was found.'],
    ['NotReadableError', 'Your camera or microphone is being used by another program.'],
  ] as const) {
    it(`says plainly what to do when the browser answers ${errorName} for the devices`, async () => {
      const context = await browser.newContext();
      // Chromium's fake devices always exist and are always free, so the browser's answer for a
      // missing or busy device is given here, before the page's own code runs.
      await context.addInitScript((name) => {
        navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('unavailable', name));
      }, errorName);
      const page = await context.newPage();
      await page.goto(`${svc.url}/join#token=not-a-real-token`);
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).to.contain(sentence);
      await context.close();
    });
  }

  describe('when the witness blocks the camera and microphone', () => {
    let denying: Browser;
    before(async function () {
      this.timeout(30_000);
      // Chromium's fake permission prompt answers "Block" with this flag value.
      denying = await chromium.launch({
        executablePath: '/usr/bin/chromium',
        headless: true,
        args: CHROMIUM_ARGS.map((a) => (a === '--use-fake-ui-for-media-stream' ? '--use-fake-ui-for-media-stream=deny' : a)),
      });
    });
    after(async () => {
      await denying?.close();
    });

    it('says plainly that access was refused and offers to try again', async () => {
      const { context, page } = await openPage(denying, `${svc.url}/join#token=x`);
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).to.contain('Access to the camera or microphone was refused');
      await page.getByRole('button', { name: 'Try again' }).waitFor();
      expect(await page.getByRole('button', { name: 'Continue to the waiting room' }).count()).to.equal(0);
      await screenshot(page, 'witness-device-refused');
      await context.close();
    });
  });
});
