/**
 * Mocha root hooks: one real FerretDB for the whole run, in a temporary folder removed at the
 * end. Tests reach it through `testDatabaseUri()`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedDatabase } from '../../server/db/embedded.js';
import { createLogger } from '../../server/logger.js';

let db: EmbeddedDatabase | undefined;
let dir: string | undefined;

/** Repository root (tests run from compiled files under dist/). */
export const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');

/** URI of the test database (a fresh database name per call keeps suites apart). */
export function testDatabaseUri(dbName = 'wb_test'): string {
  if (!db) throw new Error('test database not started');
  return db.uri.replace(/\/witness_bridge$/, `/${dbName}`);
}

/** Folder holding the test database's files (the canary test scans it for plain text). */
export function testDatabaseDir(): string {
  if (!dir) throw new Error('test database not started');
  return dir;
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(30_000);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wb-test-db-'));
    db = await EmbeddedDatabase.create({
      bin: path.join(ROOT, 'tools/ferretdb/bin/ferretdb'),
      dataDir: dir,
      port: 0,
      logger: createLogger('silent'),
    });
  },
  async afterAll(): Promise<void> {
    await db?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  },
};
