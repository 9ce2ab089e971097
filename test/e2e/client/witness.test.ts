import { expect } from 'chai';
import { chromium, type Browser } from 'playwright-core';
import request from 'supertest';
import { CHROMIUM_ARGS, launchChromium } from '../../support/browser.js';
import { testDatabaseUri } from '../../support/hooks.js';
import { bearer, createScenario, SCENARIO_ADMIN_ENV, type Scenario } from '../../support/scenario.js';
import { startTestService, type TestService } from '../../support/service.js';
import { eventually, openPage, screenshot, UI_MS } from './helpers.js';

// The page connects first (the handshake says the role) and asks for the devices only for a role
// that publishes, so each test opens a real, fresh witness link of a session whose lobby is open.
describe('Client: the witness device check', () => {
  let browser: Browser;
  let svc: TestService;
  let sc: Scenario;
  /** A new one-time witness link (`/join#token=…`, path and fragment). */
  const witnessLink = async (): Promise<string> => {
    const res = await request(svc.url).post(`/api/sessions/${sc.sessionId}/invitations`).set('Authorization', bearer(sc.users.prosecutor.token)).send({ role: 'witness' }).expect(201);
    const link = (res.body as { link: string }).link;
    return link.slice(link.indexOf('/join'));
  };
  before(async function () {
    this.timeout(60_000);
    [browser, svc] = await Promise.all([launchChromium(), startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: testDatabaseUri('wb_e2e_client_witness') })]);
    sc = await createScenario(svc, { invitations: [] });
    await request(svc.url).post(`/api/sessions/${sc.sessionId}/status`).set('Authorization', bearer(sc.users.operator.token)).send({ status: 'lobby' }).expect(200);
  });
  after(async () => {
    await browser?.close();
    await svc?.close();
  });

  it('shows the camera picture and a moving microphone level, and takes the token out of the address bar', async () => {
    const { context, page } = await openPage(browser, `${svc.url}${await witnessLink()}`);
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
      await page.goto(`${svc.url}${await witnessLink()}`);
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
      const { context, page } = await openPage(denying, `${svc.url}${await witnessLink()}`);
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

describe('Client: the witness link while the records are away for a moment', () => {
  let browser: Browser;
  let svc: TestService;
  before(async function () {
    this.timeout(60_000);
    // Its own embedded database, so the test can stop it.
    [browser, svc] = await Promise.all([launchChromium(), startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: undefined })]);
  });
  after(async () => {
    await browser?.close();
    await svc?.close();
  });

  it('says it is connecting and gets in by itself once they are back, instead of a final error page', async function () {
    this.timeout(90_000);
    const sc = await createScenario(svc);
    await request(svc.url).post(`/api/sessions/${sc.sessionId}/status`).set('Authorization', bearer(sc.users.operator.token)).send({ status: 'lobby' }).expect(200);
    const pid = svc.service.database.embedded!.pid!;
    process.kill(pid, 'SIGSTOP');
    let page;
    try {
      await eventually(async () => !svc.service.database.available, 5_000, 'the monitor to see the database go');
      ({ page } = await openPage(browser, `${svc.url}${sc.invitations[0]!.link}`));
      // The devices can be checked meanwhile (the link says the role), then the page keeps trying.
      await page.getByRole('button', { name: 'Continue to the waiting room' }).click({ timeout: UI_MS });
      await page.getByText('Connecting…').first().waitFor({ timeout: UI_MS });
      // Several attempts (one each 5 s) while away: still no refusal page.
      await new Promise((r) => setTimeout(r, 6_000));
      expect(await page.getByRole('alert').count(), 'no refusal while the records are away').to.equal(0);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await page.getByText('You are in the waiting room.').waitFor({ timeout: 30_000 });
  });
});
