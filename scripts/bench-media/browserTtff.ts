/**
 * Time to first frame in a real browser: headless Chromium (the client's own RoomClient through
 * the test harness) joining a live room of the real service, where a second Chromium page
 * publishes the witness's fake camera. Kept beside the load client's figures because it includes
 * what the load client does not: the browser's decoder and mediasoup-client.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { loadConfig } from '../../config/index.js';
import { EmbeddedDatabase } from '../../server/db/embedded.js';
import { createLogger } from '../../server/logger.js';
import { Service } from '../../server/service.js';
import { launchChromium } from '../../test/support/browser.js';
import { createScenario, SCENARIO_ADMIN_ENV } from '../../test/support/scenario.js';
import { harnessPage } from '../../test/e2e/media/support.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');

/** Joins of the judge into a live room where the witness publishes; ms to first decoded frame each. */
export async function browserTimeToFirstFrame(joins: number, verbose: boolean): Promise<number[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wb-bench-'));
  const logger = createLogger('silent');
  const db = await EmbeddedDatabase.create({ bin: path.join(ROOT, 'tools/ferretdb/bin/ferretdb'), dataDir: dir, port: 0, logger });
  const config = loadConfig({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', MONGODB_URI: db.uri, DATA_DIR: dir, MEDIA_WORKERS: '1', RTC_PORT: '0', ...SCENARIO_ADMIN_ENV });
  const service = await Service.create(config, logger);
  const url = `http://127.0.0.1:${service.port}`;
  const browser = await launchChromium();
  try {
    const s = await createScenario({ service, config, url, close: () => service.close() }, { measures: [], invitations: ['witness'] });
    await request(url).post(`/api/sessions/${s.sessionId}/status`).set('Authorization', `Bearer ${s.users.operator.token}`).send({ status: 'lobby' }).expect(200);
    const witness = await harnessPage(browser, url);
    const inv = s.invitations[0]!;
    await witness.evaluate((t) => window.wb.connect(t), inv.token);
    const operator = await harnessPage(browser, url);
    await operator.evaluate(([t, sid]) => window.wb.connect(t!, sid), [s.users.operator.token, s.sessionId] as const);
    await operator.evaluate((id) => window.wb.request('admit', { participantId: id }), inv.participantId);
    await witness.evaluate(async () => {
      await window.wb.waitAdmitted();
      await window.wb.join();
      await window.wb.publish();
    });
    // The judge waits in the lobby on a first visit; once admitted, the room keeps them admitted
    // across reconnects, so the measured joins start from a judge the operator let in earlier.
    const first = await harnessPage(browser, url);
    const judge = await first.evaluate(([t, sid]) => window.wb.connect(t!, sid), [s.users.judge.token, s.sessionId] as const);
    if (!judge.ok) throw new Error(`judge refused: ${judge.message}`);
    await operator.evaluate((id) => window.wb.request('admit', { participantId: id }), judge.participantId);
    await first.evaluate(() => window.wb.waitAdmitted());
    await first.context().close();
    const times: number[] = [];
    for (let i = 0; i < joins; i++) {
      // Each join is a fresh page, as a participant opening the room would be; the previous
      // one leaves first.
      const joiner = await harnessPage(browser, url);
      times.push(await joiner.evaluate(([t, sid]) => window.wb.timeToFirstFrame(t!, sid, 'witness', 10_000), [s.users.judge.token, s.sessionId] as const));
      const st = await joiner.evaluate(() => window.wb.stages());
      if (verbose) console.log(`    join ${i + 1}: ${times[i]!.toFixed(0)} ms (connected ${st.connected?.toFixed(0)}, joined ${st.joined?.toFixed(0)}, consumer ${st.consumer?.toFixed(0)}, DTLS ${st.dtls?.toFixed(0)}, first bytes ${st.firstBytes?.toFixed(0)})`);
      await joiner.context().close();
    }
    return times;
  } finally {
    await browser.close();
    await service.close();
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
