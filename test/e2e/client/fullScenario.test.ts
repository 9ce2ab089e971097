import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../support/browser.js';
import { SCENARIO_ADMIN_ENV, createScenario, type Scenario } from '../../support/scenario.js';
import { testDatabaseUri } from '../../support/hooks.js';
import { capturedLogs, startTestService, type TestService } from '../../support/service.js';
import { eventually, framesDecoded, openPage, screenshot, signIn, UI_MS } from './helpers.js';

/** `YYYY-MM-DD` and `HH:MM` of `at` on the wall clock of `zone`. */
function wallClock(at: Date, zone: string): { date: string; time: string } {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

/** Signs in on a fresh page and returns it. */
async function userPage(browser: Browser, url: string, user: { username: string; password: string }): Promise<Page> {
  const { page } = await openPage(browser, `${url}/`);
  await signIn(page, user.username, user.password);
  return page;
}

describe('Client: the full testimony scenario through the UI', () => {
  let browser: Browser;
  let svc: TestService;
  let sc: Scenario;
  before(async function () {
    this.timeout(60_000);
    // Threshold 1: the report shows the exact counts this one session produces.
    [browser, svc] = await Promise.all([launchChromium(), startTestService({ ...SCENARIO_ADMIN_ENV, REPORT_SUPPRESSION_THRESHOLD: '1', MONGODB_URI: testDatabaseUri('wb_e2e_client_scenario') })]);
    // Users, witness and trial; the helper's own session is three days away so it cannot clash.
    sc = await createScenario(svc, { startOffsetMs: 3 * 86_400_000, participants: ['judge', 'prosecutor'], invitations: [] });
  });
  afterEach(async function () {
    // On failure, keep a picture of every open page to see where it stopped.
    if (this.currentTest?.state !== 'failed') return;
    let n = 0;
    for (const c of browser.contexts()) for (const p of c.pages()) await screenshot(p, `failure-scenario-${++n}`);
  });
  after(async () => {
    await browser?.close();
    await svc?.close();
  });

  it('schedule → invite → device check → lobby → admit → judge sees the witness → end → sentence → report counts it', async function () {
    this.timeout(150_000);
    // 1. The prosecutor schedules a session running now and creates the witness's invitation.
    const prosecutor = await userPage(browser, svc.url, sc.users.prosecutor);
    await prosecutor.getByRole('link', { name: 'Schedule a session' }).click();
    await prosecutor.getByLabel('Trial').selectOption({ index: 1 });
    await prosecutor.getByLabel('Witness (codename)').selectOption({ label: sc.witnessCodename });
    await prosecutor.getByLabel('Court room').fill('Room 1');
    const from = wallClock(new Date(Date.now() - 5 * 60_000), 'Europe/Skopje');
    const until = wallClock(new Date(Date.now() + 55 * 60_000), 'Europe/Skopje');
    await prosecutor.getByLabel('Date').fill(from.date);
    await prosecutor.getByLabel('Start').fill(from.time);
    await prosecutor.getByLabel('End').fill(until.date === from.date ? until.time : '23:59');
    await prosecutor.getByRole('button', { name: 'Schedule session' }).click();
    await prosecutor.getByText('The session was scheduled.').waitFor();
    // This witness reads English (the form proposes Romanian, the first of their languages).
    await prosecutor.getByLabel(/Language of the person/).selectOption({ label: 'English' });
    await prosecutor.getByRole('button', { name: 'Create a link for the witness' }).click();
    const link = await prosecutor.getByTestId('join-link').inputValue();
    expect(link).to.match(/\/join#token=/);

    // 2. The witness opens the link early and passes the device check: the room is not open yet.
    const { page: witness } = await openPage(browser, link);
    await witness.getByRole('button', { name: 'Continue to the waiting room' }).click();
    await witness.getByText('The session has not opened yet.', { exact: false }).waitFor({ timeout: UI_MS });

    // 3. The operator opens the lobby from the console; the witness's page connects by itself.
    const operator = await userPage(browser, svc.url, sc.users.operator);
    await operator.getByRole('link', { name: 'Open console' }).first().click();
    await operator.getByRole('button', { name: 'Open the lobby' }).click();
    await operator.getByRole('heading', { name: 'Lobby' }).waitFor();
    await witness.getByText('You are in the waiting room.').waitFor({ timeout: UI_MS });
    await screenshot(witness, 'witness-lobby');
    // The link is now bound to the witness's browser: the same link elsewhere is refused.
    // (refused at the handshake, before any device check: the camera is never asked for)
    const { page: copy } = await openPage(browser, link);
    await copy.getByRole('heading', { name: 'This link was already used on another device' }).waitFor({ timeout: UI_MS });
    await copy.getByText('Ask the court, or the person who sent you the link, for a new link.').waitFor();
    expect(await copy.getByRole('heading', { name: 'Check your camera and microphone' }).count()).to.equal(0);
    await copy.context().close();

    // 4. The judge joins and, the operator being in the room, waits in the lobby too.
    const judge = await userPage(browser, svc.url, sc.users.judge);
    await judge.getByRole('link', { name: 'Join the room' }).first().click();
    await judge.getByRole('button', { name: 'Continue to the waiting room' }).click();
    await judge.getByText('The courtroom operator will admit you.', { exact: false }).waitFor({ timeout: UI_MS });
    expect(await judge.getByRole('button', { name: 'Leave the room' }).count()).to.equal(0);

    // 5. The operator admits the judge, then the witness.
    await operator.locator('.lobby li[data-participant-role="judge"]').getByRole('button', { name: /^Admit / }).click({ timeout: UI_MS });
    await judge.getByRole('button', { name: 'Leave the room' }).waitFor({ timeout: UI_MS });
    const witnessName = `Witness — ${sc.witnessCodename}`;
    await operator.getByRole('button', { name: `Admit ${witnessName}` }).click({ timeout: UI_MS });

    // 6. The judge sees the witness's video; the witness sees the court.
    await eventually(async () => (await framesDecoded(judge, 'video[data-role="witness"]')) > 0, 20_000, "the witness's video at the judge");
    await eventually(async () => (await framesDecoded(witness, 'video[data-role="court"]')) > 0, 20_000, "the court's video at the witness");
    await screenshot(judge, 'judge-room');
    await screenshot(witness, 'witness-room');

    // The console shows the feeds and, within a few seconds, the link figures of the witness.
    const witnessRow = operator.locator('table.links tr', { hasText: witnessName });
    await eventually(async () => /kbit\/s/.test((await witnessRow.textContent()) ?? ''), 10_000, 'telemetry for the witness');
    await operator.getByRole('button', { name: `Pause picture of ${witnessName}` }).click();
    // The server pauses the stream: the judge's tile says so, and clears once resumed.
    await judge.locator('li.tile.paused[data-participant-role="witness"]').waitFor({ timeout: UI_MS });
    await operator.getByRole('button', { name: `Resume picture of ${witnessName}` }).click();
    await judge.locator('li.tile.paused[data-participant-role="witness"]').waitFor({ state: 'detached', timeout: UI_MS });
    // Closed session: the box reflects what the server confirmed.
    const closed = operator.getByLabel('Closed session (public gallery cut off)');
    await closed.click();
    await eventually(() => closed.isChecked(), 5000, 'closed session confirmed');
    await operator.getByRole('button', { name: 'Start session' }).click();
    await eventually(async () => (await operator.getByTestId('session-status').textContent()) === 'Live', 10_000, 'status Live');
    await screenshot(operator, 'operator-console');
    await operator.setViewportSize({ width: 820, height: 1180 });
    await screenshot(operator, 'operator-console-tablet');

    // 7. The operator ends the session: the witness is told, calmly.
    await operator.getByRole('button', { name: 'End session' }).click();
    await witness.getByText('The session has ended.').waitFor({ timeout: UI_MS });

    // 8. The prosecutor records a sentence for the trial.
    await prosecutor.getByRole('link', { name: 'Trials' }).click();
    await prosecutor.getByRole('button', { name: 'Record a sentence' }).first().click();
    await prosecutor.getByLabel('Term (months)').fill('48');
    await prosecutor.getByRole('button', { name: 'Record sentence' }).click();
    await prosecutor.getByText('The sentence was recorded.').waitFor();

    // 9. Programme staff see it counted for this year and for MD-MK.
    const staff = await userPage(browser, svc.url, sc.users.staff);
    await staff.getByText('Witnesses who testified and defendants sentenced, per year (table)').click();
    await staff.getByText('Sessions held per country pair (table)').click();
    const year = String(new Date().getUTCFullYear());
    const yearCells = (await staff.locator(`[data-testid="table-year"] tr[data-group="${year}"] td`).allTextContents()).map((s) => s.trim());
    // Sessions held, witnesses who testified, defendants sentenced, total months.
    expect(yearCells).to.deep.equal(['1', '1', '1', '48']);
    const pairCells = (await staff.locator('[data-testid="table-pair"] tr[data-group="MD-MK"] td').allTextContents()).map((s) => s.trim());
    expect(pairCells).to.deep.equal(['1', '1', '1', '48']);
    await screenshot(staff, 'staff-reports-after-scenario');

    // The invitation token travelled only in the URL fragment and the socket handshake: no log has it.
    const token = decodeURIComponent(/#token=([^&]+)/.exec(link)?.[1] ?? '');
    expect(token).to.have.length.greaterThan(20);
    expect(capturedLogs.join('\n')).to.not.contain(token);
  });

  it('operator denies a waiting guest and removes the witness: each is told plainly', async function () {
    this.timeout(90_000);
    const other = await createScenario(svc, { invitations: ['witness', 'public'] });
    const [witnessLink, publicLink] = other.invitations.map((i) => `${svc.url}${i.link}`);
    const operator = await userPage(browser, svc.url, other.users.operator);
    await operator.goto(`${svc.url}/sessions/${other.sessionId}/console`);
    await operator.getByRole('button', { name: 'Open the lobby' }).click();
    await operator.getByRole('heading', { name: 'Lobby' }).waitFor();

    // The public gallery watches: no device check.
    const { page: guest } = await openPage(browser, publicLink!);
    await guest.getByText('You are in the waiting room.').waitFor({ timeout: UI_MS });
    await operator.locator('.lobby li[data-participant-role="public"]').getByRole('button', { name: /^Deny / }).click({ timeout: UI_MS });
    await guest.getByText('The court did not admit you to this session.').waitFor({ timeout: UI_MS });

    const { page: witness } = await openPage(browser, witnessLink!);
    await witness.getByRole('button', { name: 'Continue to the waiting room' }).click();
    await operator.locator('.lobby li[data-participant-role="witness"]').getByRole('button', { name: /^Admit / }).click({ timeout: UI_MS });
    await witness.getByRole('button', { name: 'Leave' }).waitFor({ timeout: UI_MS });
    await operator.getByRole('button', { name: `Remove Witness — ${other.witnessCodename}` }).click({ timeout: UI_MS });
    await witness.getByText('You were removed from the session.').waitFor({ timeout: UI_MS });
    // The removed witness's link stops working.
    const { page: again } = await openPage(browser, witnessLink!);
    await again.getByRole('alert').waitFor({ timeout: UI_MS });
    await screenshot(again, 'witness-link-refused');
  });

  it("the witness leaves with the room's one way out, after a question, and is offered the way back; the other buttons are their own microphone, camera and devices", async function () {
    this.timeout(90_000);
    const other = await createScenario(svc, { invitations: ['witness'] });
    const operator = await userPage(browser, svc.url, other.users.operator);
    await operator.goto(`${svc.url}/sessions/${other.sessionId}/console`);
    await operator.getByRole('button', { name: 'Open the lobby' }).click();
    await operator.getByRole('heading', { name: 'Lobby' }).waitFor();
    const { page: witness } = await openPage(browser, `${svc.url}${other.invitations[0]!.link}`);
    await witness.getByRole('button', { name: 'Continue to the waiting room' }).click();
    await operator.locator('.lobby li[data-participant-role="witness"]').getByRole('button', { name: /^Admit / }).click({ timeout: UI_MS });
    const leave = witness.getByRole('button', { name: 'Leave' });
    await leave.waitFor({ timeout: UI_MS });
    const names = await witness.getByRole('button').evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-label') ?? b.textContent ?? ''));
    console.log(`      the witness's buttons: ${names.join(' | ')}`);
    expect(names.filter((n) => /leave/i.test(n)), 'one way out').to.deep.equal(['Leave']);
    expect(names.filter((n) => !/^(Leave|(Mute|Unmute) microphone|Turn camera (on|off)|Change camera or microphone)$/.test(n)), 'nothing but their own controls').to.deep.equal([]);
    await leave.click();
    await witness.getByRole('dialog', { name: 'Leave the session?' }).getByRole('button', { name: 'Yes, leave' }).click();
    await witness.getByText('You left the session.').first().waitFor({ timeout: UI_MS });
    await witness.getByRole('button', { name: 'Go back into the session' }).waitFor();
  });
});
