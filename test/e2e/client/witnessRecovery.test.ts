import { expect } from 'chai';
import request from 'supertest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../support/browser.js';
import { SCENARIO_ADMIN_ENV, bearer, createScenario, type Scenario } from '../../support/scenario.js';
import { testDatabaseUri } from '../../support/hooks.js';
import { startTestService, type TestService } from '../../support/service.js';
import { checkScreen, openPage, signIn, UI_MS } from './helpers.js';

/** A witness's page in Chișinău (the browser's own time zone, as on the witness's phone). */
async function witnessPage(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 760 }, timezoneId: 'Europe/Chisinau' });
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

/** The link the court sends: token, the witness's language and the session's start. */
function linkOf(svc: TestService, sc: Scenario, lang: string, start: Date): string {
  return `${svc.url}${sc.invitations[0]!.link}&lang=${lang}&start=${encodeURIComponent(start.toISOString())}`;
}

describe('Client: the witness in their own language, early, leaving, rejoining and refused elsewhere', () => {
  let browser: Browser;
  let svc: TestService;
  before(async function () {
    this.timeout(60_000);
    [browser, svc] = await Promise.all([launchChromium(), startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: testDatabaseUri('wb_e2e_client_recovery') })]);
  });
  after(async () => {
    await browser?.close();
    await svc?.close();
  });

  it('early: says in Romanian when the session starts, in the witness\'s time zone, and switches to Ukrainian on request', async function () {
    this.timeout(60_000);
    const start = new Date(Date.UTC(2030, 2, 14, 8, 0)); // 10:00 in Chișinău (EET, before the March change)
    const sc = await createScenario(svc, { startOffsetMs: start.getTime() - Date.now(), invitations: ['witness'] });
    const page = await witnessPage(browser, linkOf(svc, sc, 'ro', start));
    await page.getByRole('heading', { name: 'Verificați camera și microfonul' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).to.equal('ro');
    expect(await page.title()).to.equal('Verificați camera și microfonul — Witness Bridge');
    await checkScreen(page, 'witness-ro-device-check');
    await page.getByRole('button', { name: 'Mergeți în sala de așteptare' }).click();
    const when = page.getByTestId('session-start');
    await when.waitFor({ timeout: UI_MS });
    expect(await when.textContent()).to.equal('Ședința începe pe 14 martie 2030 (joi), la ora 10:00 (ora dumneavoastră locală).');
    await page.getByText('Este puțin prea devreme.', { exact: false }).waitFor();
    await checkScreen(page, 'witness-ro-early');

    await page.getByLabel('Limba').selectOption({ label: 'Українська' });
    await page.getByText('Ще трохи зарано.', { exact: false }).waitFor();
    expect(await when.textContent()).to.contain('14 березня 2030').and.contain('10:00');
    expect(await page.evaluate(() => document.documentElement.lang)).to.equal('uk');
    // Every language file is offered, each named in itself.
    expect(await page.getByLabel('Мова').locator('option').allTextContents()).to.include.members(['English', 'Română', 'Українська', 'Български']);
    await page.context().close();
  });

  it('asks before leaving, offers the way back from the same tab, and tells another device to ask for a new link', async function () {
    this.timeout(120_000);
    const sc = await createScenario(svc, { invitations: ['witness'] });
    await request(svc.url).post(`/api/sessions/${sc.sessionId}/status`).set('Authorization', bearer(sc.users.operator.token)).send({ status: 'lobby' }).expect(200);
    const { page: operator } = await openPage(browser, `${svc.url}/`);
    await signIn(operator, sc.users.operator.username, sc.users.operator.password);
    await operator.goto(`${svc.url}/sessions/${sc.sessionId}/console`);
    await operator.getByRole('heading', { name: 'Lobby' }).waitFor();
    const admitWitness = () => operator.locator('.lobby li[data-participant-role="witness"]').getByRole('button', { name: /^Admit / }).click({ timeout: UI_MS });

    const witness = await witnessPage(browser, linkOf(svc, sc, 'ro', new Date()));
    await witness.getByRole('button', { name: 'Mergeți în sala de așteptare' }).click();
    await witness.getByText('Sunteți în sala de așteptare.', { exact: false }).waitFor({ timeout: UI_MS });
    await checkScreen(witness, 'witness-ro-lobby');
    await admitWitness();
    const leave = witness.getByRole('button', { name: 'Ieșire' });
    await leave.waitFor({ timeout: UI_MS });
    await checkScreen(witness, 'witness-ro-room');

    // Leave asks first; "stay" keeps the witness in.
    await leave.click();
    const dialog = witness.getByRole('dialog', { name: 'Vreți să ieșiți din ședință?' });
    await dialog.waitFor();
    await checkScreen(witness, 'witness-ro-leave-question');
    await dialog.getByRole('button', { name: 'Nu, rămân' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await leave.isVisible()).to.equal(true);
    await leave.click();
    await dialog.getByRole('button', { name: 'Da, ies' }).click();
    await witness.getByText('Ați ieșit din ședință.').first().waitFor({ timeout: UI_MS });
    await checkScreen(witness, 'witness-ro-left');

    // The same tab goes back in with the same link (bound to this tab's device key).
    await witness.getByRole('button', { name: 'Reveniți în ședință' }).click();
    await witness.getByRole('button', { name: 'Mergeți în sala de așteptare' }).click();
    const back = witness.getByRole('button', { name: 'Ieșire' });
    const waiting = witness.getByText('Sunteți în sala de așteptare.', { exact: false });
    await back.or(waiting).first().waitFor({ timeout: UI_MS });
    if (await waiting.isVisible()) await admitWitness();
    await back.waitFor({ timeout: UI_MS });

    // Another browser with the same link: a page that says what happened and what to do.
    // (refused at the handshake: no device check, the camera is never asked for)
    const other = await witnessPage(browser, linkOf(svc, sc, 'ro', new Date()));
    await other.getByRole('heading', { name: 'Acest link a fost deja folosit pe alt dispozitiv' }).waitFor({ timeout: UI_MS });
    await other.getByText('Cereți un link nou instanței sau persoanei care v-a trimis linkul.').waitFor();
    expect(await other.title()).to.equal('Link deja folosit — Witness Bridge');
    await checkScreen(other, 'witness-ro-used-elsewhere');
    await other.context().close();
    await witness.context().close();
    await operator.context().close();
  });
});
