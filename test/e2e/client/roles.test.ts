import { expect } from 'chai';
import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../support/browser.js';
import { SCENARIO_ADMIN_ENV, createScenario, type Scenario } from '../../support/scenario.js';
import { testDatabaseUri } from '../../support/hooks.js';
import { startTestService, type TestService } from '../../support/service.js';
import { openPage, screenshot, signIn } from './helpers.js';

/** `YYYY-MM-DD` and `HH:MM` of `at` on the wall clock of `zone`. */
function wallClock(at: Date, zone: string): { date: string; time: string } {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

describe('Client: sign-in, prosecutor, programme staff and administrator screens', () => {
  let browser: Browser;
  let svc: TestService;
  let sc: Scenario;
  before(async function () {
    this.timeout(60_000);
    [browser, svc] = await Promise.all([launchChromium(), startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: testDatabaseUri('wb_e2e_client_roles') })]);
    // Own database: the counts below are this suite's alone. The scenario's session runs now
    // (MD → MK); the prosecutor will try to double-book its witness.
    sc = await createScenario(svc);
  });
  after(async () => {
    await browser?.close();
    await svc?.close();
  });

  it('refuses a wrong password with a sentence, not raw JSON', async () => {
    const { context, page } = await openPage(browser, `${svc.url}/`);
    await page.getByLabel('Username').fill(sc.users.prosecutor.username);
    await page.getByLabel('Password').fill('wrong-password-123');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const text = (await alert.textContent()) ?? '';
    expect(text).to.not.match(/[{}]|"error"|at \S+:\d+/);
    expect(text).to.match(/[A-Z].*\.$/);
    await screenshot(page, 'sign-in-error');
    await context.close();
  });

  it('signs in with the keyboard alone and lands on the role\'s first screen', async () => {
    const { context, page } = await openPage(browser, `${svc.url}/`);
    // A new tab first asks the browser's other tabs for a sign-in, then shows the form.
    await page.getByLabel('Username').waitFor();
    await screenshot(page, 'sign-in');
    await page.keyboard.press('Tab');
    await page.keyboard.type(sc.users.operator.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(sc.users.operator.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Operator console' }).waitFor();
    expect(new URL(page.url()).pathname).to.equal('/sessions');
    // The session row offers the console, reachable by Tab and opened with Enter.
    const link = page.getByRole('link', { name: 'Open console' }).first();
    await link.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Open the lobby' }).waitFor();
    await context.close();
  });

  it('prosecutor: sees trials with witness codenames only, and records a sentence', async () => {
    const { context, page } = await openPage(browser, `${svc.url}/`);
    await signIn(page, sc.users.prosecutor.username, sc.users.prosecutor.password);
    await page.getByRole('heading', { name: 'Trials' }).waitFor();
    const card = page.locator('li.card', { hasText: `K-${sc.witnessCodename.split('-')[1]}` });
    await card.getByText(sc.witnessCodename).waitFor();
    expect(await page.content()).to.not.contain('Canaryname');
    await screenshot(page, 'prosecutor-trials');
    await card.getByRole('button', { name: 'Record a sentence' }).click();
    await card.getByLabel('Defendant').selectOption({ label: 'Defendant A' });
    await card.getByLabel('Term (months)').fill('30');
    await card.getByRole('button', { name: 'Record sentence' }).click();
    await card.getByText('The sentence was recorded.').waitFor();
    await context.close();
  });

  it('prosecutor: the schedule form shows both local times, a 409 inline, then a created session with a copyable link', async () => {
    const { context, page } = await openPage(browser, `${svc.url}/`);
    await signIn(page, sc.users.prosecutor.username, sc.users.prosecutor.password);
    await page.getByRole('link', { name: 'Schedule a session' }).click();
    await page.getByLabel('Trial').selectOption({ label: `K-${sc.witnessCodename.split('-')[1]} — Basic Court Skopje II` });
    await page.getByLabel('Witness (codename)').selectOption({ label: sc.witnessCodename });
    expect(await page.getByLabel('Witness testifies from').inputValue()).to.equal('MD');
    expect(await page.getByLabel('Court country').inputValue()).to.equal('MK');
    await page.getByLabel('Court room').fill('Room 7');
    // A window inside the scenario's session: the witness is already booked then.
    const from = wallClock(new Date(Date.now() + 60_000), 'Europe/Skopje');
    const to = wallClock(new Date(Date.now() + 20 * 60_000), 'Europe/Skopje');
    await page.getByLabel('Date').fill(from.date);
    await page.getByLabel('Start').fill(from.time);
    await page.getByLabel('End').fill(to.time);
    // Chisinau is one hour ahead of Skopje all year round.
    const courtText = (await page.getByTestId('window-court').textContent()) ?? '';
    const witnessText = (await page.getByTestId('window-witness').textContent()) ?? '';
    expect(courtText).to.contain(from.time);
    expect(witnessText).to.contain(wallClock(new Date(Date.now() + 60_000), 'Europe/Chisinau').time);
    await page.getByRole('button', { name: 'Schedule session' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).to.match(/This window is not available\..*witness/i);
    await screenshot(page, 'prosecutor-schedule-conflict');

    // The day after tomorrow the witness is free.
    await page.getByLabel('Date').fill(wallClock(new Date(Date.now() + 2 * 86_400_000), 'Europe/Skopje').date);
    await page.getByLabel('Start').fill('10:00');
    await page.getByLabel('End').fill('11:30');
    await page.getByRole('button', { name: 'Schedule session' }).click();
    await page.getByText('The session was scheduled.').waitFor();
    await page.getByRole('button', { name: 'Create a link for the witness' }).click();
    const link = await page.getByTestId('join-link').inputValue();
    expect(link).to.match(new RegExp(`^${svc.url}/join#token=[A-Za-z0-9_-]{20,}&role=witness&lang=ro&start=[^&]+$`));
    await screenshot(page, 'prosecutor-invitation');

    await page.getByRole('link', { name: 'Sessions' }).click();
    const rows = page.locator('table[aria-labelledby="sessions-upcoming"] tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).to.equal(2);
    expect(await page.locator('table[aria-labelledby="sessions-upcoming"]').textContent()).to.contain(sc.witnessCodename);
    await screenshot(page, 'prosecutor-sessions');
    await context.close();
  });

  it('programme staff: charts per year and per country pair, suppressed counts marked, CSV download', async () => {
    const { context, page } = await openPage(browser, `${svc.url}/`);
    await signIn(page, sc.users.staff.username, sc.users.staff.password);
    await page.getByRole('heading', { name: 'Programme reports' }).waitFor();
    await page.getByTestId('chart-year').locator('svg.recharts-surface').first().waitFor();
    // One sentence this year is below the threshold of 3: shown as "<3" and explained.
    await page.getByText(/Counts below 3 are suppressed/).waitFor();
    await page.getByText(/Witnesses who testified and defendants sentenced, per year \(table\)/).click();
    const year = String(new Date().getFullYear());
    const cells = page.locator(`[data-testid="table-year"] tr[data-group="${year}"] td`);
    expect((await cells.allTextContents()).map((s) => s.trim())).to.deep.include('<3 (suppressed)');
    await screenshot(page, 'staff-reports');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV (Year)' }).click()]);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    // The table's column names and cells, suppression marker included.
    expect(csv.split(/\r?\n/)[0]).to.equal('Year,Sessions held,Witnesses who testified,Defendants sentenced,Total sentence (months)');
    expect(csv).to.contain(`${year},`).and.contain('<3');

    // A reversed range is refused before asking the server.
    await page.getByLabel('From year').fill('2026');
    await page.getByLabel('To year').fill('2020');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    expect(await page.getByRole('alert').textContent()).to.contain('must not be after');
    expect(await page.getByTestId('chart-year').count(), 'the old charts are cleared').to.equal(0);
    await context.close();
  });

  it('administrator: creates an account that can sign in, sees a refused one explained, and deactivates it', async function () {
    // Three sign-ins in three browser contexts: over 20 s on a loaded 2-core machine.
    this.timeout(60_000);
    const { context, page } = await openPage(browser, `${svc.url}/`);
    await signIn(page, SCENARIO_ADMIN_ENV.ADMIN_USERNAME, SCENARIO_ADMIN_ENV.ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users', exact: true }).waitFor();
    const username = `new.operator.${Date.now()}`;
    const form = page.locator('form', { hasText: 'Create a user' });
    await form.getByLabel('Username (for signing in)').fill(username);
    await form.getByLabel('Name shown to others').fill('Nadia Operator');
    await form.getByLabel('Role').selectOption({ label: 'Courtroom operator' });
    // Too short a password: the server's 400 reads as sentences, and nothing is created.
    await form.getByLabel('First password').fill('short');
    await form.getByRole('button', { name: 'Create user' }).click();
    const alert = form.getByRole('alert');
    await alert.waitFor();
    expect((await alert.textContent()) ?? '').to.match(/12 characters/).and.not.match(/[{}]|"error"/);
    expect(await page.locator(`tr[data-username="${username}"]`).count()).to.equal(0);

    await form.getByLabel('First password').fill('a-long-enough-password');
    await form.getByRole('button', { name: 'Create user' }).click();
    await page.getByText('Nadia Operator can now sign in.').waitFor();
    const row = page.locator(`tr[data-username="${username}"]`);
    expect((await row.locator('td').allTextContents()).slice(0, 4)).to.deep.equal(['Nadia Operator', username, 'Courtroom operator', 'Active']);
    await screenshot(page, 'admin-users');

    const other = await openPage(browser, `${svc.url}/`);
    await signIn(other.page, username, 'a-long-enough-password');
    await other.page.getByRole('heading', { name: 'Operator console' }).waitFor();
    await other.context.close();

    await row.getByRole('button', { name: 'Deactivate Nadia Operator' }).click();
    await page.getByText('Nadia Operator can no longer sign in.').waitFor();
    await row.getByText('Deactivated').waitFor();
    const again = await openPage(browser, `${svc.url}/`);
    await again.page.getByLabel('Username').fill(username);
    await again.page.getByLabel('Password').fill('a-long-enough-password');
    await again.page.getByRole('button', { name: 'Sign in' }).click();
    await again.page.getByRole('alert').waitFor();
    await again.context.close();
    await context.close();
  });
});
