import fs from 'node:fs';
import { expect } from 'chai';
import request from 'supertest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../support/browser.js';
import { SCENARIO_ADMIN_ENV, bearer, createScenario, type Scenario } from '../../support/scenario.js';
import { testDatabaseUri } from '../../support/hooks.js';
import { startTestService, type TestService } from '../../support/service.js';
import { checkScreen, openPage, signIn, UI_MS } from './helpers.js';

/** `YYYY-MM-DD` and `HH:MM` of `at` on the wall clock of `zone`. */
function wallClock(at: Date, zone: string): { date: string; time: string } {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

async function userPage(browser: Browser, url: string, username: string, password: string): Promise<Page> {
  const { page } = await openPage(browser, `${url}/`);
  await signIn(page, username, password);
  return page;
}

/** The report's cell texts as the API gives them: a suppressed sum of months (null) reads "suppressed". */
function apiCells(r: Record<string, unknown>): string[] {
  return [r.group, r.sessionsHeld, r.witnessesTestified, r.defendantsSentenced, r.sentenceMonths].map((v) => (v === null ? 'suppressed' : String(v)));
}

describe('Client: a hearing prepared from the UI alone, role by role', () => {
  /** A list read from the API as that user (what the screens must show). */
  const apiAs = async (username: string, password: string, path: string): Promise<Record<string, string>[]> => {
    const login = await request(svc.url).post('/api/auth/login').send({ username, password }).expect(200);
    const res = await request(svc.url).get(path).set('Authorization', bearer((login.body as { token: string }).token)).expect(200);
    return (res.body as { items: Record<string, string>[] }).items;
  };
  let browser: Browser;
  let svc: TestService;
  /** Another prosecutor's trial, witness and session (same judge and court, in three days), and the accounts of every role. */
  let sc: Scenario;
  const scStart = new Date(Date.now() + 3 * 86_400_000);
  const caseNumber = `UI-${Date.now() % 100000}`;
  const codename = `Heron-${Date.now() % 100000}`;
  before(async function () {
    this.timeout(60_000);
    [browser, svc] = await Promise.all([launchChromium(), startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: testDatabaseUri('wb_e2e_client_prep') })]);
    sc = await createScenario(svc, { invitations: [], startOffsetMs: scStart.getTime() - Date.now() });
  });
  after(async () => {
    await browser?.close();
    await svc?.close();
  });

  it('admin creates a prosecutor; the prosecutor creates and changes a trial, and is offered nothing on another prosecutor\'s', async function () {
    this.timeout(120_000);
    const admin = await userPage(browser, svc.url, SCENARIO_ADMIN_ENV.ADMIN_USERNAME, SCENARIO_ADMIN_ENV.ADMIN_PASSWORD);
    await admin.getByRole('link', { name: 'Users' }).click();
    const form = admin.locator('form', { hasText: 'Create a user' });
    await form.getByLabel('Username (for signing in)').fill('petra.prosecutor');
    await form.getByLabel('Name shown to others').fill('Petra Prosecutor');
    await form.getByLabel('Role').selectOption({ label: 'Prosecutor' });
    await form.getByLabel('First password').fill('petra-first-password');
    await form.getByRole('button', { name: 'Create user' }).click();
    await admin.getByText('Petra Prosecutor can now sign in.').waitFor();
    expect(await admin.title()).to.equal('Users — Witness Bridge');
    await checkScreen(admin, 'admin-users');
    await admin.context().close();

    const page = await userPage(browser, svc.url, 'petra.prosecutor', 'petra-first-password');
    await page.getByRole('heading', { name: 'Trials' }).waitFor();
    expect(await page.title()).to.equal('Trials — Witness Bridge');
    // Whatever the API lists, another prosecutor's trial offers no change and no sentence.
    const foreign = page.locator(`li[data-case-number="K-${sc.witnessCodename.split('-')[1]}"]`);
    expect(await foreign.getByRole('button').count()).to.equal(0);

    await page.getByRole('button', { name: 'New trial' }).click();
    const create = page.getByRole('form', { name: 'New trial' });
    await create.getByLabel('Case number').fill(caseNumber);
    await create.getByLabel('Court', { exact: true }).fill('Basic Court Skopje II');
    await create.getByLabel('Court country').selectOption('MK');
    await create.getByLabel('Presiding judge').selectOption({ label: `Judge ${sc.witnessCodename.split('-')[1]}` });
    expect(await create.getByLabel('Petra Prosecutor').isChecked(), 'the creator prosecutes it').to.equal(true);
    await create.getByLabel('Defendant 1').fill('Marko Petrov');
    await create.getByRole('button', { name: 'Add a defendant' }).click();
    await create.getByLabel('Defendant 2').fill('Ilir Hoxha');
    await create.getByLabel('Trafficking in human beings').check();
    await checkScreen(page, 'trial-form');
    await create.getByRole('button', { name: 'Create trial' }).click();
    await page.getByText(`Trial ${caseNumber} was created.`).waitFor();

    await page.getByRole('button', { name: `Change trial ${caseNumber}` }).click();
    const edit = page.getByRole('form', { name: `Change trial ${caseNumber}` });
    await edit.getByLabel('Status').selectOption({ label: 'In progress' });
    await edit.getByRole('button', { name: 'Add a defendant' }).click();
    await edit.getByLabel('Defendant 1').fill('Goran Iliev');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText(`Trial ${caseNumber} was changed.`).waitFor();
    const card = page.locator(`li[data-case-number="${caseNumber}"]`);
    await card.getByText('Marko Petrov, Ilir Hoxha, Goran Iliev').waitFor();
    expect(await card.textContent()).to.contain('In progress');
    await checkScreen(page, 'prosecutor-trials');
    // The API decides which trials a prosecutor sees; the screen shows exactly those.
    const listed = (await apiAs('petra.prosecutor', 'petra-first-password', '/api/trials?limit=200')).map((x) => x.caseNumber);
    expect(await page.locator('li[data-case-number]').evaluateAll((els) => els.map((e) => e.getAttribute('data-case-number')))).to.have.members(listed);
    await page.context().close();
  });

  it('programme staff enrol the witness with a protected identity that only they can read back', async function () {
    this.timeout(60_000);
    const page = await userPage(browser, svc.url, sc.users.staff.username, sc.users.staff.password);
    await page.getByRole('link', { name: 'Witnesses' }).click();
    await page.getByRole('button', { name: 'Enrol a witness' }).click();
    const form = page.getByRole('form', { name: 'Enrol a witness' });
    await form.getByLabel('Codename').fill(codename);
    await form.getByLabel('Country of origin').selectOption('MD');
    await form.getByLabel('Languages').fill('ro, ru');
    await form.getByRole('group', { name: 'Trials the witness testifies in' }).getByLabel(caseNumber).check();
    await form.getByLabel('Legal name').fill('Ana Testescu');
    await form.getByLabel('Date of birth').fill('1998-04-02');
    await form.getByLabel('Current location').fill('Safe house 7');
    await checkScreen(page, 'staff-witness-form');
    await form.getByRole('button', { name: 'Enrol witness' }).click();
    await page.getByText(`${codename} was enrolled.`).waitFor();
    const row = page.locator(`tr[data-codename="${codename}"]`);
    expect(await row.textContent()).to.not.contain('Ana Testescu');
    await row.getByRole('button', { name: `Show identity of ${codename}` }).click();
    await row.getByTestId('identity').getByText('Ana Testescu', { exact: false }).waitFor();
    await checkScreen(page, 'staff-witnesses');
    await row.getByRole('button', { name: 'Hide identity' }).click();
    expect(await page.content()).to.not.contain('Ana Testescu');
    await page.context().close();

    // The prosecutor's list has codenames only and no way to reveal; they register a witness of
    // their own trial by codename, and are offered no identity fields and no other trial.
    const prosecutor = await userPage(browser, svc.url, 'petra.prosecutor', 'petra-first-password');
    await prosecutor.getByRole('link', { name: 'Witnesses' }).click();
    await prosecutor.locator(`tr[data-codename="${codename}"]`).getByText(caseNumber).waitFor();
    expect(await prosecutor.getByRole('button', { name: /Show identity|Change/ }).count()).to.equal(0);
    await prosecutor.getByRole('button', { name: 'Enrol a witness' }).click();
    const own = prosecutor.getByRole('form', { name: 'Enrol a witness' });
    expect(await own.getByLabel('Legal name').count(), 'no identity fields for a prosecutor').to.equal(0);
    expect(await own.getByRole('group', { name: 'Trials the witness testifies in' }).getByRole('checkbox').count()).to.equal(1);
    expect(await own.getByLabel(caseNumber).isChecked(), 'their only trial is chosen').to.equal(true);
    await own.getByLabel('Codename').fill(`Kite-${codename.split('-')[1]}`);
    await own.getByLabel('Country of origin').selectOption('UA');
    await own.getByLabel('Languages').fill('uk');
    await own.getByRole('button', { name: 'Enrol witness' }).click();
    await prosecutor.getByText(`Kite-${codename.split('-')[1]} was enrolled.`).waitFor();
    const listed = (await apiAs('petra.prosecutor', 'petra-first-password', '/api/witnesses?limit=200')).map((x) => x.codename);
    expect(await prosecutor.locator('tr[data-codename]').evaluateAll((els) => els.map((e) => e.getAttribute('data-codename')))).to.have.members(listed);
    await checkScreen(prosecutor, 'prosecutor-witnesses');
    await prosecutor.context().close();
  });

  it('the prosecutor schedules for their own trial, invites five roles with the witness in Romanian, meets a clash when moving it, revokes a link', async function () {
    this.timeout(120_000);
    const page = await userPage(browser, svc.url, 'petra.prosecutor', 'petra-first-password');
    await page.getByRole('link', { name: 'Schedule a session' }).click();
    // The choices load after the form shows: read them once the trial is among them.
    await page.getByLabel('Trial').locator('option', { hasText: caseNumber }).waitFor({ state: 'attached' });
    const trials = await page.getByLabel('Trial').locator('option').allTextContents();
    expect(trials.some((x) => x.startsWith(caseNumber))).to.equal(true);
    expect(trials.some((x) => x.startsWith(`K-${sc.witnessCodename.split('-')[1]}`)), "another prosecutor's trial is not offered").to.equal(false);
    await page.getByLabel('Trial').selectOption({ label: `${caseNumber} — Basic Court Skopje II` });
    await page.getByLabel('Witness (codename)').selectOption({ label: codename });
    await page.getByLabel('Court room').fill('Room 3');
    const from = wallClock(new Date(Date.now() - 5 * 60_000), 'Europe/Skopje');
    const until = wallClock(new Date(Date.now() + 55 * 60_000), 'Europe/Skopje');
    await page.getByLabel('Date').fill(from.date);
    await page.getByLabel('Start').fill(from.time);
    await page.getByLabel('End').fill(until.date === from.date ? until.time : '23:59');
    await checkScreen(page, 'prosecutor-schedule');
    await page.getByRole('button', { name: 'Schedule session' }).click();
    await page.getByText('The session was scheduled.').waitFor();
    await page.getByRole('link', { name: 'Details' }).click();
    await page.getByRole('heading', { name: /^Session: / }).waitFor();
    expect(await page.title()).to.equal('Session — Witness Bridge');

    const panel = page.locator('.invitation');
    const issue = async (role: string, button: string, name?: string): Promise<string> => {
      const before = await page.locator('table[data-testid="invitations"] tbody tr').count();
      await panel.getByLabel('Invitation for').selectOption({ label: role });
      if (name) await panel.getByLabel('Name shown to others').fill(name);
      await panel.getByRole('button', { name: button }).click();
      await page.locator('table[data-testid="invitations"] tbody tr').nth(before).waitFor();
      return page.getByTestId('join-link').inputValue();
    };
    // The witness's language defaults to the first of theirs we have (ro).
    expect(await panel.getByLabel(/Language of the person/).inputValue()).to.equal('ro');
    const witnessLink = await issue('Witness', 'Create a link for the witness');
    expect(witnessLink).to.match(/\/join#token=[\w-]{43}&role=witness&lang=ro&start=/);
    await panel.getByLabel(/Language of the person/).selectOption({ label: 'English' });
    accusedLink = await issue('Accused', 'Create a link for the accused', 'Marko Petrov');
    expect(accusedLink).to.contain('&lang=en&');
    await issue('Defence counsel', 'Create a link for the defence counsel');
    await issue('Interpreter', 'Create a link for the interpreter');
    await issue('Public gallery', 'Create a link for the public gallery');
    const rows = page.locator('table[data-testid="invitations"] tbody tr');
    await rows.nth(4).waitFor();
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-state')))).to.deep.equal(['issued', 'issued', 'issued', 'issued', 'issued']);
    expect(await rows.nth(1).locator('th').textContent()).to.equal('Accused — Marko Petrov');
    await checkScreen(page, 'session-page');

    // Moving it onto the other trial's hearing (same judge, same court room) clashes.
    await page.getByRole('button', { name: 'Reschedule' }).click();
    const move = page.getByRole('form', { name: 'Move the session' });
    const kept = { date: await move.getByLabel('Date').inputValue(), start: await move.getByLabel('Start').inputValue(), end: await move.getByLabel('End').inputValue() };
    const other = { from: wallClock(new Date(scStart.getTime() + 10 * 60_000), 'Europe/Skopje'), to: wallClock(new Date(scStart.getTime() + 40 * 60_000), 'Europe/Skopje') };
    await move.getByLabel('Date').fill(other.from.date);
    await move.getByLabel('Start').fill(other.from.time);
    await move.getByLabel('End').fill(other.to.date === other.from.date ? other.to.time : '23:59');
    await move.getByLabel('Court room').fill(sc.courtRoom);
    await move.getByRole('button', { name: 'Move the session' }).click();
    const clash = move.getByRole('alert');
    await clash.waitFor();
    expect(await clash.textContent()).to.match(/This window is not available\..*already booked/);
    await checkScreen(page, 'session-reschedule-conflict');
    await move.getByLabel('Date').fill(kept.date);
    await move.getByLabel('Start').fill(kept.start);
    await move.getByLabel('End').fill(kept.end);
    await move.getByLabel('Court room').fill('Room 12');
    await move.getByRole('button', { name: 'Move the session' }).click();
    await page.getByText('The session was moved.').waitFor();

    await page.getByRole('button', { name: 'Revoke the link of Public gallery' }).click();
    await page.locator('tr[data-invitation-role="public"][data-state="revoked"]').waitFor();
    expect(await page.getByRole('button', { name: 'Revoke the link of Public gallery' }).count()).to.equal(0);
    sessionUrl = page.url();
    link = witnessLink;
    await page.context().close();
  });

  let sessionUrl = '';
  let link = '';
  let accusedLink = '';

  it('the witness goes through in Romanian; the operator opens, starts and ends; the link then reads used', async function () {
    this.timeout(240_000);
    const sessionId = new URL(sessionUrl).pathname.split('/')[2]!;
    const operator = await userPage(browser, svc.url, sc.users.operator.username, sc.users.operator.password);
    await checkScreen(operator, 'operator-sessions');
    await operator.goto(`${svc.url}/sessions/${sessionId}/console`);
    await operator.getByRole('heading', { name: new RegExp(`Operator console — ${caseNumber}`) }).waitFor();
    await operator.getByRole('button', { name: 'Open the lobby' }).waitFor();
    await checkScreen(operator, 'operator-console-scheduled');
    await operator.getByRole('button', { name: 'Open the lobby' }).click();
    await operator.getByRole('heading', { name: 'Lobby' }).waitFor();
    // In the lobby the console offers start and cancel, not end.
    expect(await operator.getByRole('button', { name: 'End session' }).count()).to.equal(0);
    await operator.getByRole('button', { name: 'Cancel session' }).waitFor();

    const { page: witness } = await openPage(browser, link);
    await witness.getByRole('heading', { name: 'Verificați camera și microfonul' }).waitFor();
    await witness.getByRole('button', { name: 'Mergeți în sala de așteptare' }).click();
    await witness.getByText('Sunteți în sala de așteptare.', { exact: false }).waitFor({ timeout: UI_MS });
    await operator.getByRole('button', { name: `Admit Witness — ${codename}` }).click({ timeout: UI_MS });
    await witness.getByRole('button', { name: 'Ieșire' }).waitFor({ timeout: UI_MS });
    // The accused joins by link too (English, as issued) and sees the room under plain labels.
    const { page: accused } = await openPage(browser, accusedLink);
    await accused.getByRole('button', { name: 'Continue to the waiting room' }).click();
    await operator.getByRole('button', { name: 'Admit Accused — Marko Petrov' }).click({ timeout: UI_MS });
    await accused.getByRole('button', { name: 'Leave the room' }).waitFor({ timeout: UI_MS });
    await checkScreen(accused, 'accused-room');
    await checkScreen(operator, 'operator-console');
    await operator.getByRole('button', { name: 'Start session' }).click();
    await operator.getByRole('button', { name: 'End session' }).click({ timeout: UI_MS });
    await witness.getByText('Ședința s-a încheiat. Vă mulțumim.', { exact: false }).waitFor({ timeout: UI_MS });
    await checkScreen(witness, 'witness-ro-ended');
    await accused.getByText('The session has ended.', { exact: false }).waitFor({ timeout: UI_MS });
    await accused.context().close();

    await operator.goto(`${svc.url}/sessions/${sessionId}`);
    await operator.locator('tr[data-invitation-role="witness"][data-state="used"]').waitFor();
    expect(await operator.getByTestId('session-status').textContent()).to.equal('Ended');
    await operator.getByText('This session is over: nothing more can be changed.').waitFor();
    await operator.context().close();
    await witness.context().close();
  });

  it('a session whose lobby is open can be cancelled from the console (no dead end), and staff download the CSV of the years typed', async function () {
    this.timeout(90_000);
    const operator = await userPage(browser, svc.url, sc.users.operator.username, sc.users.operator.password);
    await operator.goto(`${svc.url}/sessions/${sc.sessionId}/console`);
    await operator.getByRole('button', { name: 'Open the lobby' }).click();
    await operator.getByRole('heading', { name: 'Lobby' }).waitFor();
    await operator.getByRole('button', { name: 'Cancel session' }).click();
    await operator.getByTestId('session-status').filter({ hasText: 'Cancelled' }).waitFor({ timeout: UI_MS });
    expect(await operator.getByRole('alert').count()).to.equal(0);
    await operator.context().close();

    const staff = await userPage(browser, svc.url, sc.users.staff.username, sc.users.staff.password);
    const year = new Date().getFullYear();
    await staff.getByTestId('chart-year').waitFor();
    await checkScreen(staff, 'staff-reports');
    // A reversed range: said once, and the old charts go.
    await staff.getByLabel('From year').fill(String(year + 1));
    await staff.getByLabel('To year').fill(String(year - 1));
    await staff.getByRole('button', { name: 'Show', exact: true }).click();
    await staff.getByRole('alert').filter({ hasText: 'must not be after' }).waitFor();
    expect(await staff.getByTestId('chart-year').count()).to.equal(0);
    // Typed, not shown: the download is of exactly these years.
    await staff.getByLabel('From year').fill(String(year - 1));
    await staff.getByLabel('To year').fill(String(year));
    const [download] = await Promise.all([staff.waitForEvent('download'), staff.getByRole('button', { name: 'Download CSV (Year)' }).click()]);
    expect(download.suggestedFilename()).to.equal(`witness-bridge-year-${year - 1}-${year}.csv`);
    const lines = fs.readFileSync((await download.path())!, 'utf8').trim().split('\r\n');
    expect(lines[0]).to.equal('Year,Sessions held,Witnesses who testified,Defendants sentenced,Total sentence (months)');
    const api = await request(svc.url).get(`/api/reports/summary?from=${year - 1}&to=${year}&groupBy=year`).set('Authorization', bearer(sc.users.staff.token)).expect(200);
    const rows = (api.body as { rows: Record<string, unknown>[] }).rows;
    expect(rows.length).to.be.greaterThan(0);
    expect(lines.slice(1).map((l) => l.split(','))).to.deep.equal(rows.map(apiCells));
    await checkScreen(staff, 'staff-reports-range');
    await staff.context().close();
  });
});
