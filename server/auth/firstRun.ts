/**
 * The first administrator. From configuration (`ADMIN_USERNAME`/`ADMIN_PASSWORD`) when set;
 * otherwise, on a first start with no administrator at all, one is created with a random
 * one-time password that is printed once and kept in a mode-600 file in DATA_DIR until it is
 * changed (as Jenkins and Grafana do), so a fresh `npm start` leaves a service someone can sign
 * in to.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isDuplicateKey } from '../db/duplicateKey.js';
import { generatePassword, hashPassword } from './passwords.js';
import { UserModel } from './user.model.js';

/** The administrator created by a first start, for the console. */
export interface FirstRunAdmin {
  readonly username: string;
  readonly password: string;
  /** The mode-600 file holding the password until it is changed. */
  readonly file: string;
}

/** Name of the file, in DATA_DIR, that holds the first administrator's one-time password. */
export const INITIAL_PASSWORD_FILE = 'initial-admin-password';

/** The fields of the one-time administrator's account. */
export interface FirstRunFields {
  readonly username: string;
  readonly passwordHash: string;
  readonly role: 'admin';
  readonly displayName: string;
  readonly active: true;
  readonly mustChangePassword: true;
}

/**
 * Creates the one-time administrator when no administrator exists; undefined otherwise. `store`
 * inserts the account (the caller records its audit event with it).
 */
export async function createFirstRunAdmin(dataDir: string, store: (fields: FirstRunFields) => Promise<unknown>): Promise<FirstRunAdmin | undefined> {
  if (await UserModel.exists({ role: 'admin' })) return undefined;
  const username = (await UserModel.exists({ username: 'admin' })) ? `admin-${Date.now().toString(36)}` : 'admin';
  const password = generatePassword();
  try {
    await store({ username, passwordHash: await hashPassword(password), role: 'admin', displayName: 'Administrator', active: true, mustChangePassword: true });
  } catch (err) {
    // Another instance starting at the same time created it: theirs is the one printed.
    if (isDuplicateKey(err)) return undefined;
    throw err;
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, INITIAL_PASSWORD_FILE);
  fs.rmSync(file, { force: true });
  fs.writeFileSync(file, `username: ${username}\npassword: ${password}\n`, { mode: 0o600, flag: 'wx' });
  return { username, password, file };
}

/** Removes the one-time password file once the account it names has a password of its own. */
export function forgetInitialPassword(dataDir: string, username: string): void {
  const file = path.join(dataDir, INITIAL_PASSWORD_FILE);
  try {
    if (fs.readFileSync(file, 'utf8').startsWith(`username: ${username}\n`)) fs.rmSync(file, { force: true });
  } catch {
    // No file: nothing to forget.
  }
}
