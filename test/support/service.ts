/**
 * Starts the real service on port 0 against the test database, with every log line captured so
 * tests can assert what was (and was not) logged.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import mongoose from 'mongoose';
import { loadConfig, type Config } from '../../config/index.js';
import { createLogger } from '../../server/logger.js';
import { Service } from '../../server/service.js';
import { ROOT, testDatabaseUri } from './hooks.js';

/** Every log line written by every service started in this test process. */
export const capturedLogs: string[] = [];

/** A running service for a test. */
export interface TestService {
  readonly service: Service;
  readonly config: Config;
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The administrator every test service is configured with. Tests share databases, and a service
 * started without one would create a first-run administrator named `admin` with a random password
 * whenever the database had none yet, locking out every later service configured as below.
 */
export const TEST_ADMIN_ENV = { ADMIN_USERNAME: 'admin', ADMIN_PASSWORD: 'admin-password-for-tests' } as const;

/**
 * The audit key of every test service: they share one test database, so its chain must verify
 * under one key (each service's other development secrets are generated in its DATA_DIR).
 */
export const TEST_AUDIT_KEY = Buffer.from('witness-bridge audit key of tests', 'utf8').subarray(0, 32).toString('base64');

/** Environment every test service shares; `env` overrides it. */
export function testEnv(env: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'debug',
    MONGODB_URI: testDatabaseUri(),
    DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'wb-test-data-')),
    // Generated development secrets go to a folder of their own, never the user's config folder.
    SECRETS_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'wb-test-secrets-')),
    MEDIA_WORKERS: '1',
    // Several services run at once in tests: each WebRTC server takes any free port.
    RTC_PORT: '0',
    CLIENT_DIR: path.join(ROOT, 'dist/client'),
    FERRETDB_BIN: path.join(ROOT, 'tools/ferretdb/bin/ferretdb'),
    ...TEST_ADMIN_ENV,
    AUDIT_KEY: TEST_AUDIT_KEY,
    ...env,
  };
}

/** Starts a service; call `close()` in `after`/`afterEach`. */
export async function startTestService(env: Record<string, string | undefined> = {}): Promise<TestService> {
  const config = loadConfig(testEnv(env));
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      capturedLogs.push(chunk.toString('utf8'));
      cb();
    },
  });
  const service = await Service.create(config, createLogger(config.logLevel, sink));
  return {
    service,
    config,
    url: `http://127.0.0.1:${service.port}`,
    close: () => service.close(),
  };
}

/** Drops the test database `name` (on the suite's FerretDB) and returns its URI, for a service that starts empty. */
export async function emptyTestDatabase(name: string): Promise<string> {
  const uri = testDatabaseUri(name);
  const client = await mongoose.mongo.MongoClient.connect(uri);
  try {
    await client.db().dropDatabase();
  } finally {
    await client.close();
  }
  return uri;
}

/** Removes every document of every collection (between tests). */
export async function clearDatabase(): Promise<void> {
  const db = mongoose.connection.db;
  if (!db) return;
  for (const c of await db.collections()) await c.deleteMany({});
}
