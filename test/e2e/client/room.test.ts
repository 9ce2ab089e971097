/**
 * The room as its users see it, in real Chromium against the real service and worker: the public
 * gallery watches without being asked for devices, the witness mutes and turns the camera off (the
 * operator sees it) and chooses devices, the operator's pause and closed session are announced,
 * the header says which hearing and which protections, the masking panel, admit all, and departed
 * participants leaving nothing behind. The witness's pages are in Romanian, as their link says.
 */
import { expect } from 'chai';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../support/browser.js';
import { testDatabaseUri } from '../../support/hooks.js';
import { SCENARIO_ADMIN_ENV, createScenario, type Scenario } from '../../support/scenario.js';
import { startTestService, type TestService } from '../../support/service.js';
import { checkScreen, eventually, framesDecoded, openPage, screenshot, signIn } from './helpers.js';

const T = 15_000;

/** The Romanian words of the witness's pages (client/src/i18n/locales/ro.ts). */
const RO = {
  continue: 'Mergeți în sala de așteptare',
  mute: 'Opriți microfonul',
  unmute: 'Porniți microfonul',
  cameraOff: 'Opriți camera',
  cameraOn: 'Porniți camera',
  devices: 'Schimbați camera sau microfonul',
  camera: 'Camera video',
  microphone: 'Microfonul',
  micIsOff: 'Microfonul este oprit: nimeni nu vă aude.',
  cameraIsOff: 'Camera este oprită: nimeni nu vă vede.',
  heldAudio: 'Operatorul sălii de judecată v-a oprit temporar microfonul.',
  closedSession: 'Ședință închisă: publicul nu vede și nu aude acum ședința.',
  measures: 'Măsuri de protecție în vigoare',
  measureNames: ['Nume de cod în locul numelui', 'Fața ascunsă pentru inculpat și public', 'Vocea schimbată pentru inculpat și public'],
} as const;

/** The link with the language the prosecutor would have chosen for the witness. */
const inLanguage = (link: string, lang: string) => (/[#&]lang=/.test(link) ? link.replace(/([#&]lang=)[a-z]+/, `$1${lang}`) : `${link}&lang=${lang}`);

/**
 * A Chromium whose fake devices are three cameras (and Chromium's three fake microphones). The
 * second fake camera gives Y16 (depth) frames, which WebRTC does not encode; the third gives MJPEG
 * like a common webcam.
 */
function launchTwoCameras(): Promise<Browser> {
  const args = CHROMIUM_ARGS.map((a) => (a === '--use-fake-device-for-media-stream' ? '--use-fake-device-for-media-stream=device-count=3' : a));
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args });
}

/** A Chromium that answers "Block" to any camera or microphone request. */
function launchDenying(): Promise<Browser> {
  const args = CHROMIUM_ARGS.filter((a) => a !== '--use-fake-device-for-media-stream').map((a) => (a === '--use-fake-ui-for-media-stream' ? '--use-fake-ui-for-media-stream=deny' : a));
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args });
}

describe('Client: the room as its users see it', function () {
  this.timeout(120_000);
  let browser: Browser;
  let denying: Browser;
  let svc: TestService;
  before(async function () {
    this.timeout(90_000);
    [browser, denying, svc] = await Promise.all([launchTwoCameras(), launchDenying(), startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: testDatabaseUri('wb_e2e_client_room') })]);
  });
  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    let n = 0;
    for (const b of [browser, denying]) for (const c of b.contexts()) for (const p of c.pages()) await screenshot(p, `failure-room-${++n}`);
  });
  after(async () => {
    await Promise.all([browser?.close(), denying?.close()]);
    await svc?.close();
  });

  /** The operator's console of the scenario's session, with the lobby opened from it. */
  async function console_(sc: Scenario): Promise<Page> {
    const { page } = await openPage(browser, `${svc.url}/`);
    await signIn(page, sc.users.operator.username, sc.users.operator.password);
    await page.goto(`${svc.url}/sessions/${sc.sessionId}/console`);
    await page.getByRole('button', { name: 'Open the lobby' }).click({ timeout: T });
    await page.getByRole('heading', { name: 'Lobby' }).waitFor({ timeout: T });
    return page;
  }

  describe('one hearing: the witness (in Romanian), the public gallery and the operator', () => {
    let sc: Scenario;
    let operator: Page;
    let witness: Page;
    let gallery: Page;
    let witnessName: string;
    let caseNumber: string;
    const witnessRow = () => operator.locator('table.links tr[data-role="witness"]');

    before(async function () {
      this.timeout(90_000);
      sc = await createScenario(svc, { participants: ['judge', 'operator'], invitations: ['witness', 'public'] });
      witnessName = `Witness — ${sc.witnessCodename}`;
      caseNumber = `K-${sc.witnessCodename.split('-')[1]}`;
      operator = await console_(sc);
      ({ page: witness } = await openPage(browser, inLanguage(`${svc.url}${sc.invitations[0]!.link}`, 'ro')));
      await witness.getByRole('button', { name: RO.continue }).click({ timeout: T });
      await operator.getByRole('button', { name: `Admit ${witnessName}` }).click({ timeout: T });
      await witness.getByRole('button', { name: RO.mute }).waitFor({ timeout: T });
    });
    // The masking processes and the browsers' media stop here, not at the end of the file.
    after(() => Promise.all([operator, witness, gallery].map((p) => p?.context().close())));

    it('the console and the judge\'s room name the trial and the window; the measures in force are in English there and in Romanian for the witness', async () => {
      const title = (await operator.getByRole('heading', { level: 1 }).textContent()) ?? '';
      expect(title).to.contain('Operator console');
      expect(title).to.contain(caseNumber);
      expect(title).to.match(/\d{2}:\d{2}.* – \d{2}:\d{2}/);
      const courtMeasures = (await operator.getByTestId('measures').textContent()) ?? '';
      expect(courtMeasures).to.contain('Protection in force');
      expect(courtMeasures).to.contain('Face disguised for the accused and the public');
      const own = (await witness.getByTestId('measures').textContent()) ?? '';
      expect(own).to.contain(RO.measures);
      for (const name of RO.measureNames) expect(own).to.contain(name);
      await checkScreen(operator, 'room-console-header');
      // The judge's room, reached from their list, says the same.
      const { page: judge } = await openPage(browser, `${svc.url}/`);
      await signIn(judge, sc.users.judge.username, sc.users.judge.password);
      await judge.getByRole('link', { name: 'Join the room' }).first().click({ timeout: T });
      await judge.getByRole('button', { name: 'Continue to the waiting room' }).click({ timeout: T });
      await operator.locator('.lobby li[data-participant-role="judge"]').getByRole('button', { name: /^Admit / }).click({ timeout: T });
      const judgeTitle = judge.getByRole('heading', { level: 1, name: /^Session room/ });
      await judgeTitle.waitFor({ timeout: T });
      // The case number comes with the trial, loaded after the session.
      await eventually(async () => ((await judgeTitle.textContent()) ?? '').includes(caseNumber), T, "the case number in the judge's title");
      expect(await judgeTitle.textContent()).to.match(/\d{2}:\d{2}.* – \d{2}:\d{2}/);
      expect(await judge.getByTestId('measures').textContent()).to.contain('Voice disguised for the accused and the public');
      await checkScreen(judge, 'room-judge-header');
      await judge.context().close();
      await checkScreen(witness, 'room-witness-ro');
    });

    it('the public gallery joins watch-only: never asked for a camera or microphone, no mute or camera buttons, the witness tile marked disguised', async () => {
      const context = await denying.newContext({ viewport: { width: 1280, height: 800 } });
      // Counts every request for devices; this browser would refuse it anyway.
      await context.addInitScript(() => {
        const w = window as unknown as { deviceRequests: number };
        w.deviceRequests = 0;
        const real = navigator.mediaDevices?.getUserMedia?.bind(navigator.mediaDevices);
        if (real)
          navigator.mediaDevices.getUserMedia = (c) => {
            w.deviceRequests++;
            return real(c);
          };
      });
      gallery = await context.newPage();
      await gallery.goto(`${svc.url}${sc.invitations[1]!.link}`);
      await gallery.getByText('You are in the waiting room.').waitFor({ timeout: T });
      await operator.locator('.lobby li[data-participant-role="public"]').getByRole('button', { name: /^Admit / }).click({ timeout: T });
      await gallery.getByText('You are watching: nobody sees or hears you.').waitFor({ timeout: T });
      const tile = gallery.locator('li.tile[data-participant-role="witness"]');
      await tile.waitFor({ timeout: T });
      for (const name of ['Mute microphone', 'Turn camera off', 'Change camera or microphone']) expect(await gallery.getByRole('button', { name }).count(), name).to.equal(0);
      // The public receives the masked variant only (real masking processes), and its tile says so.
      expect(await tile.textContent()).to.contain('disguised by the court');
      expect(await tile.getAttribute('data-variant')).to.equal('masked');
      await eventually(async () => (await framesDecoded(gallery, 'video[data-role="witness"]')) > 0, 30_000, "the witness's masked picture in the gallery");
      expect(await gallery.evaluate(() => (window as unknown as { deviceRequests: number }).deviceRequests)).to.equal(0);
      await checkScreen(gallery, 'room-public-gallery');
    });

    it("the operator's masking panel shows the witness's masking, switches its mode, and previews what the accused sees", async () => {
      const panel = operator.getByRole('region', { name: 'Masking of the witness' });
      await panel.locator('tr[data-kind="video"][data-state="running"]').waitFor({ timeout: 30_000 });
      const row = panel.locator('tr[data-kind="video"]');
      expect(await row.getByRole('rowheader').textContent()).to.equal('Picture');
      expect(await row.getByRole('cell').first().textContent()).to.equal('Running');
      const mode = panel.getByLabel('Masking mode');
      expect(await mode.inputValue()).to.equal('face');
      const preview = panel.getByTestId('accused-preview');
      await preview.waitFor({ timeout: T });
      expect(await preview.textContent()).to.contain(`What the accused sees and hears: ${witnessName}`);
      await eventually(async () => (await framesDecoded(operator, 'video[data-role="preview"]')) > 0, 30_000, 'the preview plays');
      await mode.selectOption({ label: 'Blur everything (silhouette)' });
      await eventually(async () => (await mode.inputValue()) === 'blur', T, 'the mode the server confirmed');
      // A reloaded console reads the mode from the server (getMaskingStatus), not from the page.
      await operator.reload();
      const again = operator.getByRole('region', { name: 'Masking of the witness' }).getByLabel('Masking mode');
      await eventually(async () => (await again.isEnabled()) && (await again.inputValue()) === 'blur', T, 'the mode after a reload');
      await checkScreen(operator, 'room-console-masking');
      await again.selectOption('face');
      await eventually(async () => (await again.inputValue()) === 'face', T, 'back to face');
    });

    it('closed session: the gallery gets the closed-session page without the witness, the witness is told, and both come back when it is lifted', async () => {
      const closed = operator.getByLabel('Closed session (public gallery cut off)');
      await closed.click({ timeout: T });
      await eventually(() => closed.isChecked(), T, 'closed session confirmed');
      await gallery.getByRole('heading', { name: 'Closed session' }).waitFor({ timeout: T });
      await gallery.getByTestId('public-closed').waitFor();
      expect(await gallery.locator('video[data-role="witness"]').count()).to.equal(0);
      await witness.getByText(RO.closedSession).waitFor({ timeout: T });
      await checkScreen(gallery, 'room-public-closed');
      await closed.click();
      await eventually(async () => !(await closed.isChecked()), T, 'closed session lifted');
      await gallery.locator('li.tile[data-participant-role="witness"]').waitFor({ timeout: T });
      expect(await gallery.getByRole('heading', { name: 'Closed session' }).count()).to.equal(0);
      await witness.getByText(RO.closedSession).waitFor({ state: 'detached', timeout: T });
    });

    it("the witness's own mute and camera off show on the console; the operator's pause is announced and the witness's unmute does not lift it", async () => {
      await witness.getByRole('button', { name: RO.mute }).click();
      await witness.getByText(RO.micIsOff).waitFor({ timeout: T });
      await witnessRow().filter({ hasText: 'Microphone: muted by them' }).waitFor({ timeout: T });
      await witness.getByRole('button', { name: RO.unmute }).click();
      await witnessRow().filter({ hasText: 'Microphone: on' }).waitFor({ timeout: T });
      await witness.getByRole('button', { name: RO.cameraOff }).click();
      await witness.getByText(RO.cameraIsOff).waitFor({ timeout: T });
      await witnessRow().filter({ hasText: 'Camera: muted by them' }).waitFor({ timeout: T });
      await witness.getByRole('button', { name: RO.cameraOn }).click();
      await witnessRow().filter({ hasText: 'Camera: on' }).waitFor({ timeout: T });

      // The operator pauses the witness's sound: the witness is told, in their language.
      await operator.getByRole('button', { name: `Pause sound of ${witnessName}` }).click({ timeout: T });
      await witness.getByRole('alert').filter({ hasText: RO.heldAudio }).waitFor({ timeout: T });
      await witnessRow().filter({ hasText: 'Microphone: paused by the operator' }).waitFor({ timeout: T });
      await checkScreen(witness, 'room-witness-held');
      // The witness's own "unmute" is answered, and the hold stays.
      const unmute = witness.getByRole('button', { name: RO.unmute });
      await unmute.click();
      await eventually(() => unmute.isEnabled(), T, 'the unmute answered');
      await operator.getByRole('button', { name: `Resume sound of ${witnessName}` }).waitFor();
      await witness.getByRole('alert').filter({ hasText: RO.heldAudio }).waitFor();
      expect(await witnessRow().textContent()).to.contain('Microphone: paused by the operator');
      // The operator lifts the hold.
      await operator.getByRole('button', { name: `Resume sound of ${witnessName}` }).click();
      await witness.getByText(RO.heldAudio, { exact: false }).waitFor({ state: 'detached', timeout: T });
      await witnessRow().filter({ hasText: 'Microphone: on' }).waitFor({ timeout: T });
    });

    it('the witness chooses another camera and microphone from the fake devices and the court keeps receiving the picture', async () => {
      await witness.getByRole('button', { name: RO.devices }).click();
      // A select's accessible name is its label followed by the chosen option.
      const camera = witness.getByRole('combobox', { name: new RegExp(`^${RO.camera}`) });
      const microphone = witness.getByRole('combobox', { name: new RegExp(`^${RO.microphone}`) });
      await eventually(async () => (await camera.locator('option').count()) >= 2 && (await microphone.locator('option').count()) >= 2, T, 'the fake devices listed');
      const before = await camera.inputValue();
      const other = await camera.locator('option', { hasText: 'fake_device_2' }).getAttribute('value');
      if (!other || other === before) throw new Error('fake_device_2 missing or already in use');
      await eventually(async () => (await framesDecoded(operator, 'video[data-role="witness"]')) > 0, 30_000, "the witness's picture at the console");
      await camera.selectOption(other);
      // The picker shows the device of the stream the room sends, once the new track was handed over.
      await eventually(async () => (await camera.inputValue()) === other, T, 'the new camera in use');
      const atSwitch = await framesDecoded(operator, 'video[data-role="witness"]');
      // The console keeps decoding the witness's picture from the new camera (same stream, replaced track).
      await eventually(async () => (await framesDecoded(operator, 'video[data-role="witness"]')) > atSwitch + 30, 30_000, 'frames after the switch');
      const mics = await microphone.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
      const mic = mics.find((v) => v && v !== 'default' && v !== 'communications' && v !== '')!;
      await microphone.selectOption(mic);
      await eventually(async () => (await microphone.inputValue()) === mic, T, 'the new microphone in use');
      expect(await witness.getByRole('alert').count()).to.equal(0);
      await witnessRow().filter({ hasText: 'Microphone: on · Camera: on' }).waitFor({ timeout: T });
      await checkScreen(witness, 'room-witness-devices');
    });
  });

  describe('admit all, departures and End', () => {
    let sc: Scenario;
    let operator: Page;
    let witness: Page;
    let witnessName: string;
    const guests: Page[] = [];
    before(async function () {
      this.timeout(90_000);
      sc = await createScenario(svc, { participants: ['judge', 'operator'], measures: ['pseudonym'], invitations: ['witness', 'public', 'public'] });
      witnessName = `Witness — ${sc.witnessCodename}`;
      operator = await console_(sc);
      ({ page: witness } = await openPage(browser, `${svc.url}${sc.invitations[0]!.link}`));
      await witness.getByRole('button', { name: 'Continue to the waiting room' }).click({ timeout: T });
      await operator.getByRole('button', { name: `Admit ${witnessName}` }).click({ timeout: T });
      await witness.getByRole('button', { name: 'Leave' }).waitFor({ timeout: T });
    });

    it('two guests wait in the lobby; one click admits both', async () => {
      for (const inv of sc.invitations.slice(1)) {
        const { page } = await openPage(browser, `${svc.url}${inv.link}`);
        await page.getByText('You are in the waiting room.').waitFor({ timeout: T });
        guests.push(page);
      }
      const all = operator.getByRole('button', { name: 'Admit all (2)' });
      await all.waitFor({ timeout: T });
      await checkScreen(operator, 'room-console-admit-all');
      await all.click();
      for (const g of guests) await g.getByText('You are watching: nobody sees or hears you.').waitFor({ timeout: T });
      await operator.locator('.lobby').getByText('Nobody is waiting.').waitFor({ timeout: T });
    });

    it("a participant who leaves loses their tile and buttons on the console; after End nothing of the room is left", async () => {
      await operator.locator('li.tile[data-participant-role="witness"]').waitFor({ timeout: T });
      await operator.getByRole('button', { name: `Remove ${witnessName}` }).waitFor();
      await witness.getByRole('button', { name: 'Leave' }).click();
      await witness.getByRole('dialog', { name: 'Leave the session?' }).getByRole('button', { name: 'Yes, leave' }).click();
      await witness.getByText('You left the session.').first().waitFor({ timeout: T });
      await operator.locator('li.tile[data-participant-role="witness"]').waitFor({ state: 'detached', timeout: T });
      expect(await operator.getByRole('button', { name: new RegExp(`(Remove|Pause|Resume) .*${sc.witnessCodename}`) }).count()).to.equal(0);
      expect(await operator.locator('table.links tr[data-role="witness"]').textContent()).to.contain('Left the room');
      await checkScreen(operator, 'room-console-departed');

      await operator.getByRole('button', { name: 'Start session' }).click({ timeout: T });
      await operator.getByRole('button', { name: 'End session' }).click({ timeout: T });
      await operator.getByText('Everyone was disconnected.', { exact: false }).waitFor({ timeout: T });
      expect(await operator.getByTestId('session-status').textContent()).to.equal('Ended');
      expect(await operator.locator('li.tile').count(), 'tiles after End').to.equal(0);
      expect(await operator.getByRole('button', { name: /^(Admit|Deny|Remove|Pause|Resume|Start session|End session)/ }).count(), 'room buttons after End').to.equal(0);
      for (const g of guests) await g.getByText('The session has ended.', { exact: false }).waitFor({ timeout: T });
      await checkScreen(operator, 'room-console-ended');
    });
  });
});
