/**
 * Password screens in real Chromium against the real service: a user changes their own password,
 * and an administrator resets another's to a one-time password that must be replaced at sign-in.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../support/browser.js';
import { testDatabaseUri } from '../../support/hooks.js';
import { SCENARIO_ADMIN_ENV, createScenario, type Scenario } from '../../support/scenario.js';
import { startTestService, type TestService } from '../../support/service.js';
import { checkScreen, openPage, screenshot, signIn } from './helpers.js';

const T = 15_000;

/** Fills the sign-in form; the caller waits for what should follow. */
async function submitSignIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Fills and submits the change-password form. */
async function changePassword(page: Page, current: string, next: string): Promise<void> {
  await page.getByLabel('Current password').fill(current);
  await page.getByLabel(/^New password(?! again)/).fill(next);
  await page.getByLabel(/^New password again/).fill(next);
  await page.getByRole('button', { name: 'Change password' }).click();
}

describe('Client: changing and resetting passwords', function () {
  this.timeout(90_000);
  let browser: Browser;
  let svc: TestService;
  let sc: Scenario;
  before(async function () {
    this.timeout(60_000);
    [browser, svc] = await Promise.all([launchChromium(), startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: testDatabaseUri('wb_e2e_client_passwords') })]);
    sc = await createScenario(svc, { invitations: [] });
  });
  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    let n = 0;
    for (const c of browser.contexts()) for (const p of c.pages()) await screenshot(p, `failure-passwords-${++n}`);
  });
  after(async () => {
    await browser?.close();
    await svc?.close();
  });

  it('a user changes their own password (the current one checked); afterwards the old one is refused and the new one works', async () => {
    const user = sc.users.prosecutor;
    const next = 'a-new-password-of-the-prosecutor';
    const { context, page } = await openPage(browser, `${svc.url}/`);
    await signIn(page, user.username, user.password);
    await page.getByRole('link', { name: 'Change password' }).click();
    await page.getByRole('heading', { name: 'Change your password' }).waitFor();
    await changePassword(page, 'not-my-password-at-all', next);
    await page.getByRole('alert').filter({ hasText: 'The current password is not correct.' }).waitFor({ timeout: T });
    await changePassword(page, user.password, next);
    await page.getByText('Your password was changed.', { exact: false }).waitFor({ timeout: T });
    await checkScreen(page, 'password-changed');
    await page.getByRole('button', { name: 'Sign out' }).click();

    await submitSignIn(page, user.username, user.password);
    await page.getByRole('alert').waitFor({ timeout: T });
    expect(await page.getByRole('navigation', { name: 'Main navigation' }).count()).to.equal(0);
    await submitSignIn(page, user.username, next);
    await page.getByRole('navigation', { name: 'Main navigation' }).waitFor({ timeout: T });
    await context.close();
  });

  it("an administrator resets another user's password, shown once; the user signs in with it and must choose their own before anything else", async () => {
    const judge = sc.users.judge;
    const judgeName = `Judge ${judge.username.split('-')[1]}`;
    const { context: adminContext, page: admin } = await openPage(browser, `${svc.url}/`);
    await signIn(admin, sc.admin.username, sc.admin.password);
    await admin.getByRole('link', { name: 'Users' }).click();
    await admin.getByRole('button', { name: `Reset password of ${judgeName}` }).click({ timeout: T });
    const shown = admin.getByTestId('one-time-password');
    await shown.waitFor({ timeout: T });
    expect(await shown.textContent()).to.contain(`One-time password for ${judgeName}:`);
    const oneTime = ((await shown.locator('code').textContent()) ?? '').trim();
    expect(oneTime).to.have.length.at.least(12);
    await checkScreen(admin, 'admin-password-reset');
    await admin.getByRole('button', { name: 'I have passed it on' }).click();
    await shown.waitFor({ state: 'detached' });
    // Shown once: coming back to the page does not show it again.
    await admin.reload();
    await admin.getByRole('button', { name: `Reset password of ${judgeName}` }).waitFor({ timeout: T });
    expect(await admin.content()).to.not.contain(oneTime);
    await adminContext.close();

    const { context, page } = await openPage(browser, `${svc.url}/`);
    await submitSignIn(page, judge.username, judge.password);
    await page.getByRole('alert').waitFor({ timeout: T });
    await submitSignIn(page, judge.username, oneTime);
    await page.getByRole('heading', { name: 'Change your password' }).waitFor({ timeout: T });
    await page.getByText('Your password was set by an administrator for one use only.', { exact: false }).waitFor();
    await checkScreen(page, 'password-forced-change');
    // Nowhere else to go until it is replaced.
    await page.goto(`${svc.url}/sessions`);
    await page.getByRole('heading', { name: 'Change your password' }).waitFor({ timeout: T });
    const next = 'the-judges-own-password';
    await changePassword(page, oneTime, next);
    await page.getByText('Your password was changed.', { exact: false }).waitFor({ timeout: T });
    expect(await page.getByText('for one use only', { exact: false }).count()).to.equal(0);
    await page.goto(`${svc.url}/sessions`);
    await page.getByRole('heading', { name: 'Sessions' }).waitFor({ timeout: T });
    await context.close();

    // The one-time password is spent; the judge's own works.
    const { context: again, page: later } = await openPage(browser, `${svc.url}/`);
    await submitSignIn(later, judge.username, oneTime);
    await later.getByRole('alert').waitFor({ timeout: T });
    await submitSignIn(later, judge.username, next);
    await later.getByRole('navigation', { name: 'Main navigation' }).waitFor({ timeout: T });
    expect(await later.getByRole('heading', { name: 'Change your password' }).count()).to.equal(0);
    await again.close();
  });
});
