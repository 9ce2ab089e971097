import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../support/browser.js';
import { SCENARIO_ADMIN_ENV, createScenario, type Scenario } from '../../support/scenario.js';
import { testDatabaseUri } from '../../support/hooks.js';
import { startTestService, type TestService } from '../../support/service.js';
import { checkScreen, signIn } from './helpers.js';

describe('Client: one sign-in for the open tabs of a browser, gone with the last of them', () => {
  let browser: Browser;
  let svc: TestService;
  let sc: Scenario;
  before(async function () {
    this.timeout(60_000);
    [browser, svc] = await Promise.all([launchChromium(), startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: testDatabaseUri('wb_e2e_client_tabs') })]);
    sc = await createScenario(svc, { invitations: [] });
  });
  after(async () => {
    await browser?.close();
    await svc?.close();
  });

  it('a link opened in a new tab is signed in; signing out in one tab signs out all; nothing is kept in localStorage or cookies', async function () {
    this.timeout(60_000);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const first = await context.newPage();
    await first.goto(`${svc.url}/`);
    await first.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await first.title()).to.equal('Sign in — Witness Bridge');
    await checkScreen(first, 'sign-in');
    await signIn(first, sc.users.judge.username, sc.users.judge.password);
    await first.getByRole('heading', { name: 'Sessions' }).waitFor();
    await checkScreen(first, 'judge-sessions');

    // A second tab, typed or opened from a link (no opener, no copied sessionStorage).
    const second = await context.newPage();
    await second.goto(`${svc.url}/sessions/${sc.sessionId}`);
    await second.getByRole('heading', { name: /^Session: / }).waitFor();
    expect(await second.getByText(`Signed in as Judge`, { exact: false }).count()).to.equal(1);
    await checkScreen(second, 'judge-session-page');
    const kept = await second.evaluate(() => ({ local: localStorage.length, cookies: document.cookie }));
    expect(kept).to.deep.equal({ local: 0, cookies: '' });

    // Another browser profile (context) shares nothing.
    const stranger = await browser.newContext();
    const elsewhere = await stranger.newPage();
    await elsewhere.goto(`${svc.url}/sessions`);
    await elsewhere.getByRole('button', { name: 'Sign in' }).waitFor();
    await stranger.close();

    await second.getByRole('button', { name: 'Sign out' }).click();
    await first.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 5000 });
    expect(await first.evaluate(() => sessionStorage.getItem('wb.auth'))).to.equal(null);

    // With every tab of the browser closed the sign-in is gone: a new tab asks and nobody answers.
    await signIn(first, sc.users.judge.username, sc.users.judge.password);
    await first.close();
    await second.close();
    const later = await context.newPage();
    await later.goto(`${svc.url}/sessions`);
    await later.getByRole('button', { name: 'Sign in' }).waitFor();
    await context.close();
  });
});
