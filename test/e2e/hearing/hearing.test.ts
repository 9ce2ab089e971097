import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { artifactPath, launchChromium } from '../../support/browser.js';
import { SCENARIO_ADMIN_ENV, bearer, createScenario, type Scenario } from '../../support/scenario.js';
import { testDatabaseUri } from '../../support/hooks.js';
import { capturedLogs, startTestService, type TestService } from '../../support/service.js';
import { eventually, framesDecoded, mediaState, openPage, screenshot, signIn, UI_MS } from '../client/helpers.js';

async function userPage(browser: Browser, url: string, user: { username: string; password: string }, path: string): Promise<Page> {
  const { page } = await openPage(browser, `${url}/`);
  await signIn(page, user.username, user.password);
  await page.goto(`${url}${path}`);
  return page;
}

/** Each tile's label and the names of its buttons, for a failure's message. */
const tileControls = (page: Page) =>
  page.evaluate(() => JSON.stringify(Array.from(document.querySelectorAll('.feed-grid li')).map((li) => `${li.querySelector('.tile-label')?.textContent}: ${Array.from(li.querySelectorAll('button')).map((b) => b.getAttribute('aria-label') ?? b.textContent).join(' | ')}`)));

const status = (page: Page) => page.getByTestId('session-status').textContent();

describe('Hearing in Chromium: the requested authority checks identity and suspends, the judge records the oath, the minutes on the session page', () => {
  let browser: Browser;
  let svc: TestService;
  let sc: Scenario;
  before(async function () {
    this.timeout(90_000);
    [browser, svc] = await Promise.all([launchChromium(), startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: testDatabaseUri('wb_e2e_hearing') })]);
    // No disguise ordered: this test is about the hearing's procedure, and four pages plus a masker
    // on two cores starved the operator's page for 15 s in CI. The pause of a disguised picture is
    // in test/e2e/media/masking.test.ts, the disguise itself in test/media and test/e2e/media.
    sc = await createScenario(svc, { invitations: ['witness', 'authority'], participants: ['judge', 'prosecutor', 'operator'], measures: ['pseudonym'] });
  });
  let logsFrom = 0;
  beforeEach(() => {
    logsFrom = capturedLogs.length;
  });
  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    this.timeout(60_000);
    // What the service warned of during the test (CI keeps only the output).
    const warnings = capturedLogs.slice(logsFrom).filter((line) => /"level":(4|5)0/.test(line));
    console.log(`service warnings during the test (${warnings.length}):\n${warnings.slice(-40).join('')}`);
    let n = 0;
    // A page that does not answer must not hide the test's own failure.
    for (const c of browser.contexts()) for (const p of c.pages()) await screenshot(p, `failure-hearing-${++n}`).catch(() => undefined);
  });
  after(async () => {
    await browser?.close();
    await svc?.close();
  });

  it('identity check gates going live, oath, suspend and resume seen by everyone, end, minutes read, remarked and sealed by the judge', async function () {
    this.timeout(180_000);
    const link = (role: string) => `${svc.url}${sc.invitations.find((i) => i.role === role)!.link}`;
    const witnessName = `Witness — ${sc.witnessCodename}`;

    // The operator opens the lobby; the requested authority and the witness arrive on their links.
    const operator = await userPage(browser, svc.url, sc.users.operator, `/sessions/${sc.sessionId}/console`);
    await operator.getByRole('button', { name: 'Open the lobby' }).click();
    await operator.getByRole('heading', { name: 'Lobby' }).waitFor();
    const { page: authority } = await openPage(browser, link('authority'));
    await authority.getByRole('button', { name: 'Continue to the waiting room' }).click();
    await authority.getByRole('heading', { name: 'Identity check' }).waitFor({ timeout: UI_MS });
    const { page: witness } = await openPage(browser, link('witness'));
    await witness.getByRole('button', { name: 'Continue to the waiting room' }).click();
    await witness.getByText('You are in the waiting room.').waitFor({ timeout: UI_MS });
    // The witness never sees the identity check.
    expect(await witness.getByRole('heading', { name: 'Identity check' }).count()).to.equal(0);

    // The court cannot go live before the check: the console stays in the lobby and says why.
    await operator.getByRole('button', { name: 'Start session' }).click();
    await operator.getByTestId('identity-gate').filter({ hasText: 'not recorded yet' }).waitFor({ timeout: UI_MS });
    await operator.getByRole('alert').first().waitFor();
    expect(await status(operator)).to.equal('Lobby open');

    // The authority records the check from the lobby.
    await authority.getByLabel('Document checked').selectOption({ label: 'Identity card' });
    await authority.getByLabel('How it was checked (optional)').fill('Photo and signature compared with the holder.');
    await screenshot(authority, 'hearing-authority-identity-check');
    await authority.getByRole('button', { name: 'Record the identity check' }).click();
    await authority.getByText('The identity check is recorded.').waitFor({ timeout: UI_MS });
    await operator.getByTestId('identity-gate').filter({ hasText: 'confirmed by the requested authority' }).waitFor({ timeout: UI_MS });

    // The judge joins, is admitted with the others, and records the rights notice and the declaration.
    const judge = await userPage(browser, svc.url, sc.users.judge, `/sessions/${sc.sessionId}/room`);
    await judge.getByRole('button', { name: 'Continue to the waiting room' }).click();
    await operator.locator('.lobby li[data-participant-role="judge"]').getByRole('button', { name: /^Admit / }).click({ timeout: UI_MS });
    await operator.locator('.lobby li[data-participant-role="authority"]').getByRole('button', { name: /^Admit / }).click({ timeout: UI_MS });
    await operator.getByRole('button', { name: `Admit ${witnessName}` }).click({ timeout: UI_MS });
    await judge.getByTestId('identity-gate').filter({ hasText: 'confirmed' }).waitFor({ timeout: UI_MS });
    await judge.getByLabel('The witness takes').selectOption({ label: 'a solemn declaration' });
    await judge.getByRole('button', { name: 'Record: witness informed of rights and sworn' }).click();
    await judge.getByTestId('oath').filter({ hasText: 'took a solemn declaration' }).waitFor({ timeout: UI_MS });
    await screenshot(judge, 'hearing-judge-oath');
    await eventually(async () => (await framesDecoded(judge, 'video[data-role="witness"]')) > 0, 20_000, "the witness's video at the judge", async () => `judge: ${await mediaState(judge)}; witness: ${await mediaState(witness)}`);

    await operator.getByRole('button', { name: 'Start session' }).click();
    await eventually(async () => (await status(operator)) === 'Live', 10_000, 'status Live');
    const pause = operator.getByRole('button', { name: `Pause picture of ${witnessName}` });
    await eventually(async () => (await pause.count()) === 1, 20_000, "the operator's pause button for the witness's picture", async () => `operator: ${await tileControls(operator)} ${await mediaState(operator)}; witness: ${await mediaState(witness)}`);
    await pause.click({ timeout: UI_MS });
    await operator.getByRole('button', { name: `Resume picture of ${witnessName}` }).click({ timeout: UI_MS });

    // The authority suspends: everyone sees why; only the authority can resume.
    await authority.getByLabel('Reason (everyone will see it)').fill('A question about the residence infringes our law.');
    await authority.getByRole('button', { name: 'Suspend the hearing' }).click();
    for (const page of [witness, judge, operator]) await page.getByTestId('suspended').filter({ hasText: 'A question about the residence infringes our law.' }).waitFor({ timeout: UI_MS });
    await screenshot(witness, 'hearing-witness-suspended');
    expect(await judge.getByRole('button', { name: 'Resume the hearing' }).count()).to.equal(0);
    await authority.getByRole('button', { name: 'Resume the hearing' }).click();
    for (const page of [witness, judge]) await page.getByTestId('suspended').waitFor({ state: 'detached', timeout: UI_MS });

    await operator.getByRole('button', { name: 'End session' }).click({ timeout: UI_MS });
    await witness.getByText('The session has ended', { exact: false }).waitFor({ timeout: UI_MS });

    // The judge reads the minutes on the session page, downloads the PDF, adds remarks and seals.
    await judge.goto(`${svc.url}/sessions`);
    await judge.locator(`tr[data-session-id="${sc.sessionId}"]`).getByRole('button', { name: 'Minutes' }).click();
    const panel = judge.getByTestId('minutes');
    await panel.getByText('The hearing was suspended by Requested authority: A question about the residence infringes our law.').waitFor({ timeout: UI_MS });
    const [download] = await Promise.all([judge.waitForEvent('download'), panel.getByRole('button', { name: 'Download the minutes (PDF)' }).click()]);
    const file = artifactPath('hearing-minutes-e2e.pdf');
    await download.saveAs(file);
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    fs.writeFileSync(artifactPath('hearing-minutes-e2e.txt'), execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }));
    const course = text.slice(text.indexOf('Course of the hearing'));
    let at = -1;
    for (const step of ['An attempt to go live was refused', 'Identity check recorded by Requested authority: identity card, identity confirmed.', 'took the declaration', 'The hearing went live', `Picture of Witness ${sc.witnessCodename} paused`, `Picture of Witness ${sc.witnessCodename} resumed`, 'The hearing was suspended', 'The hearing was resumed', 'The session ended']) {
      const found = course.indexOf(step, at + 1);
      expect(found, step).to.be.greaterThan(at);
      at = found;
    }
    await panel.getByLabel('Remarks of the judge').fill('Heard with the requested authority of Moldova present throughout.');
    await panel.getByRole('button', { name: 'Add the remarks' }).click();
    await panel.getByTestId('minutes-version').filter({ hasText: 'Version 2, not sealed yet' }).waitFor({ timeout: UI_MS });
    await panel.getByRole('button', { name: 'Seal the minutes' }).click();
    await panel.getByText('The minutes are sealed.').waitFor({ timeout: UI_MS });
    await screenshot(judge, 'hearing-minutes-sealed');
    const sealed = await request(svc.url).put(`/api/sessions/${sc.sessionId}/minutes/remarks`).set('Authorization', bearer(sc.users.judge.token)).send({ version: 2, remarks: 'later' }).expect(409);
    expect(sealed.body.error.code).to.equal('minutes_sealed');
  });
});
