import { expect } from 'chai';
import type { Browser, Locator } from 'playwright-core';
import { launchChromium } from '../../support/browser.js';
import { CANARY_IDENTITY, SCENARIO_ADMIN_ENV, createScenario, type Scenario } from '../../support/scenario.js';
import { testDatabaseUri } from '../../support/hooks.js';
import { startTestService, type TestService } from '../../support/service.js';
import { openPage, screenshot, signIn } from './helpers.js';

/**
 * Sentences of `t.apiErrors` in client/src/strings.ts, written out: the client is not compiled
 * with the tests (Vite replaces dist/client), so the test cannot import them.
 */
const SENTENCES = {
  validationFailed: 'Some of the information entered is not valid. Please check the form.',
  badAddress: 'The address of this page is not valid. Check the link, or go back to the start page.',
  username: 'The username must be 3 to 64 lowercase letters, digits, dots, dashes or underscores.',
  password: 'The password must have at least 12 characters (and at most 256).',
  usernameTaken: 'That username is already taken. Choose another one.',
  sentenceExists: 'A sentence is already recorded for this defendant in this trial.',
  notFound: 'What you were looking for could not be found. It may have been removed.',
} as const;

/** The alert's main sentence (its text without the list of field problems) and those problems. */
async function readAlert(alert: Locator): Promise<{ text: string; message: string; problems: string[] }> {
  await alert.waitFor();
  const text = (await alert.textContent()) ?? '';
  const problems = (await alert.locator('li').allTextContents()).map((s) => s.trim());
  const message = problems.reduce((rest, p) => rest.replace(p, ''), text).trim();
  // Never the server's JSON, English message, a stack or the protected identity.
  expect(text).to.not.match(/[{}]|"error"|\bat \S+:\d+|\n\s+at /);
  expect(text).to.not.contain(CANARY_IDENTITY.legalName);
  return { text, message, problems };
}

describe('Client: every API error reads as the client\'s own sentence from strings.ts', () => {
  let browser: Browser;
  let svc: TestService;
  let sc: Scenario;
  before(async function () {
    this.timeout(60_000);
    [browser, svc] = await Promise.all([launchChromium(), startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: testDatabaseUri('wb_e2e_client_errors') })]);
    sc = await createScenario(svc);
  });
  after(async () => {
    await browser?.close();
    await svc?.close();
  });

  it('a 400 names each failing field with its rule, and a 409 for a taken username says so', async () => {
    const { context, page } = await openPage(browser, `${svc.url}/`);
    await signIn(page, SCENARIO_ADMIN_ENV.ADMIN_USERNAME, SCENARIO_ADMIN_ENV.ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Users' }).click();
    const form = page.locator('form', { hasText: 'Create a user' });
    // Capitals are not allowed in usernames and the password is too short: two field problems.
    await form.getByLabel('Username (for signing in)').fill('Not-Valid');
    await form.getByLabel('Name shown to others').fill('Petra Judge');
    await form.getByLabel('First password').fill('short');
    await form.getByRole('button', { name: 'Create user' }).click();
    const invalid = await readAlert(form.getByRole('alert'));
    expect(invalid.message).to.equal(SENTENCES.validationFailed);
    expect(invalid.problems).to.have.members([SENTENCES.username, SENTENCES.password]);
    // The server's own wording of the zod rules is not shown.
    expect(invalid.text).to.not.contain('must be at least 12 characters').and.not.contain('. _ -');
    await screenshot(page, 'errors-validation');

    await form.getByLabel('Username (for signing in)').fill(sc.users.prosecutor.username);
    await form.getByLabel('First password').fill('a-long-enough-password');
    await form.getByRole('button', { name: 'Create user' }).click();
    await form.getByText(SENTENCES.usernameTaken).waitFor();
    const taken = await readAlert(form.getByRole('alert'));
    expect(taken.text).to.equal(SENTENCES.usernameTaken);
    expect(taken.text).to.not.contain('That username is taken.');
    await context.close();
  });

  it('a 409 for a second sentence of the same defendant reads as the sentence for that code', async () => {
    const { context, page } = await openPage(browser, `${svc.url}/`);
    await signIn(page, sc.users.prosecutor.username, sc.users.prosecutor.password);
    const card = page.locator('li.card', { hasText: `K-${sc.witnessCodename.split('-')[1]}` });
    await card.getByRole('button', { name: 'Record a sentence' }).click();
    await card.getByLabel('Defendant').selectOption({ label: 'Defendant B' });
    await card.getByRole('button', { name: 'Record sentence' }).click();
    await card.getByText('The sentence was recorded.').waitFor();
    await card.getByRole('button', { name: 'Record sentence' }).click();
    const again = await readAlert(card.getByRole('alert'));
    expect(again.text).to.equal(SENTENCES.sentenceExists);
    await screenshot(page, 'errors-conflict');
    await context.close();
  });

  it('a 404 for an unknown session and a 400 for a malformed id in the address read as sentences', async () => {
    const { context, page } = await openPage(browser, `${svc.url}/`);
    await signIn(page, sc.users.operator.username, sc.users.operator.password);
    await page.goto(`${svc.url}/sessions/0123456789abcdef01234567/console`);
    const missing = await readAlert(page.getByRole('alert'));
    expect(missing.text).to.equal(SENTENCES.notFound);
    expect(missing.text).to.not.contain('No such session.');

    await page.goto(`${svc.url}/sessions/not-an-id/console`);
    const malformed = await readAlert(page.getByRole('alert'));
    expect(malformed.text).to.equal(SENTENCES.badAddress);
    await screenshot(page, 'errors-not-found');
    await context.close();
  });
});
