/**
 * Accounts and authentication: argon2id password hashes, HS256 tokens that end when the account
 * changes (token epoch), login throttling, password change and reset, the last-admin rule, and
 * resolving a bearer token to a `Principal`.
 */
import mongoose from 'mongoose';
import type { Config } from '../../config/index.js';
import { userActor, type AuditLog } from '../audit/index.js';
import { ConflictError, NotFoundError, TooManyRequestsError, UnauthorizedError, ValidationError } from '../../common/errors.js';
import { USER_ROLES, type UserRole } from '../../common/vocabulary.js';
import { type Principal } from '../http/access.js';
import type { Logger } from '../logger.js';
import { AccountEvents, type AccountChange } from './accountEvents.js';
import { withAdminRemaining } from './adminGuard.js';
import type { CreateUserInput, DirectoryEntry, DirectoryQuery, UpdateUserInput, UserListQuery, UserView } from './auth.schemas.js';
import { createFirstRunAdmin, forgetInitialPassword, type FirstRunAdmin } from './firstRun.js';
import { LoginLimiter } from './loginLimiter.js';
import { generatePassword, hashPassword, newTokenEpoch, verifyPassword } from './passwords.js';
import { ThrottleAudit } from './throttleAudit.js';
import { TokenService } from './tokens.js';
import { UserModel, type UserDoc } from './user.model.js';
import { isDuplicateKey } from '../db/duplicateKey.js';
import { storedId, updateVersioned } from '../db/versioned.js';
import type { AuditInput } from '../audit/index.js';

const USERS = UserModel.collection.collectionName;

/**
 * How long a looked-up account is reused by `authenticate()`: changes made through this process
 * apply at once, and another instance's changes are picked up by the account poll
 * (`ACCOUNT_POLL_MS`) or, at worst, after this.
 */
export const ACCOUNT_CACHE_MS = 5_000;

function toView(u: UserDoc): UserView {
  return { id: u._id.toHexString(), username: u.username, role: u.role as UserRole, displayName: u.displayName, active: u.active, mustChangePassword: u.mustChangePassword ?? false };
}

/** A signed-in session: the token and who it is for. */
export interface IssuedToken {
  readonly token: string;
  readonly expiresIn: number;
  readonly user: UserView;
}

interface Account {
  readonly principal: Principal;
  readonly epoch: string;
}

const invalidToken = (): UnauthorizedError => new UnauthorizedError({ message: 'The token is invalid or expired.', code: 'invalid_token' });
const noSuchUser = (): NotFoundError => new NotFoundError({ message: 'No such user.' });

/** The auth domain's rules. */
export class AuthService {
  readonly tokens: TokenService;
  readonly limiter = new LoginLimiter();
  readonly #throttled: ThrottleAudit;
  readonly #events: AccountEvents;
  #dummyHash: Promise<string> | undefined;
  readonly #accounts = new Map<string, { at: number; account: Account | null }>();

  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
    private readonly audit: AuditLog,
  ) {
    this.tokens = new TokenService(config.auth);
    this.#throttled = new ThrottleAudit(audit, logger);
    this.#events = new AccountEvents(logger, (userId) => this.#accounts.delete(userId));
  }

  /**
   * Creates the configured first administrator unless that username exists; without one
   * configured, creates a one-time administrator when there is no administrator at all.
   */
  async ensureAdmin(): Promise<FirstRunAdmin | undefined> {
    const admin = this.config.auth.admin;
    if (!admin) {
      return createFirstRunAdmin(this.config.dataDir, (fields) => {
        const _id = new mongoose.Types.ObjectId();
        const event = { actor: { kind: 'system' }, action: 'user.create', target: `user:${_id.toHexString()}`, outcome: 'success', details: { role: 'admin', firstRun: true } } as const;
        return this.audit.recorded(event, { collection: USERS, id: _id, change: 'create' }, () => UserModel.create({ ...fields, _id }));
      });
    }
    if (await UserModel.exists({ username: admin.username })) return undefined;
    try {
      const passwordHash = await hashPassword(admin.password);
      const _id = new mongoose.Types.ObjectId();
      const event = { actor: { kind: 'system' }, action: 'user.create', target: `user:${_id.toHexString()}`, outcome: 'success', details: { role: 'admin', bootstrap: true } } as const;
      await this.audit.recorded(event, { collection: USERS, id: _id, change: 'create' }, () => UserModel.create({ _id, username: admin.username, passwordHash, role: 'admin', displayName: 'Administrator', active: true }));
      this.logger.info({ username: admin.username }, 'ensureAdmin() created the first administrator');
    } catch (err) {
      // Another process created it between our check and insert: that is the outcome we wanted.
      if (!isDuplicateKey(err)) throw err;
    }
    return undefined;
  }

  /**
   * Checks a password. Throttled per username and per address, attempts in flight included;
   * throttled attempts are audited as one summary per window, every other outcome one by one.
   */
  async login(username: string, password: string, address: string): Promise<IssuedToken> {
    if (!this.limiter.begin(username, address)) {
      this.#throttled.note(username);
      throw new TooManyRequestsError({ message: 'Too many failed logins; try again later.', code: 'login_throttled' });
    }
    let ok = false;
    try {
      const user = await UserModel.findOne({ username: String(username) }).lean<UserDoc>();
      // Verify against a dummy hash for unknown users so timing does not reveal which names exist.
      ok = (await verifyPassword(user?.passwordHash ?? (await this.#dummy()), password)) && Boolean(user?.active);
      if (!user || !ok) {
        await this.audit.append({ actor: { kind: 'anonymous', label: username }, action: 'auth.login', target: user ? `user:${user._id.toHexString()}` : 'user:unknown', outcome: 'failure', details: { reason: 'bad_credentials' } });
        throw new UnauthorizedError({ message: 'Wrong username or password.', code: 'bad_credentials' });
      }
      const view = toView(user);
      await this.audit.append({ actor: userActor({ userId: view.id, role: view.role, username: view.username }), action: 'auth.login', target: `user:${view.id}`, outcome: 'success' });
      return this.#issue(user);
    } finally {
      this.limiter.finish(username, address, ok);
    }
  }

  #issue(user: UserDoc): IssuedToken {
    const view = toView(user);
    return { ...this.tokens.issue({ sub: view.id, role: view.role, username: view.username, ep: user.tokenEpoch ?? '0' }), user: view };
  }

  #dummy(): Promise<string> {
    this.#dummyHash ??= hashPassword('not-a-real-password-just-for-timing');
    return this.#dummyHash;
  }

  /** Resolves `Authorization: Bearer <jwt>` to the caller, checking the account is active. */
  async authenticateHeader(authorization: string | undefined): Promise<Principal> {
    const match = /^Bearer ([A-Za-z0-9_\-.=]+)$/.exec(authorization ?? '');
    if (!match?.[1]) throw new UnauthorizedError();
    return this.principalFromToken(match[1]);
  }

  /** The caller behind a user JWT (see `authenticate`). */
  async principalFromToken(token: string): Promise<Principal> {
    return (await this.authenticate(token)).principal;
  }

  /**
   * Verifies a user JWT against its account: refused when the account is missing or inactive, or
   * when the token's epoch is not the account's (it was issued before a deactivation, role or
   * password change). Returns the caller with their current role and the token's expiry.
   */
  async authenticate(token: string): Promise<{ principal: Principal; expiresAt: number }> {
    const claims = this.tokens.verify(token);
    if (!mongoose.isValidObjectId(claims.sub)) throw invalidToken();
    const account = await this.#account(claims.sub);
    if (!account || account.epoch !== claims.ep) throw invalidToken();
    return { principal: account.principal, expiresAt: claims.expiresAt };
  }

  /** The active account behind a user id (null when missing or inactive), briefly cached. */
  async #account(userId: string): Promise<Account | null> {
    const hit = this.#accounts.get(userId);
    if (hit && Date.now() - hit.at < ACCOUNT_CACHE_MS) return hit.account;
    const user = await UserModel.findById(userId, { username: 1, role: 1, active: 1, tokenEpoch: 1, mustChangePassword: 1 }).lean<UserDoc>();
    const ok = user?.active && (USER_ROLES as readonly string[]).includes(user.role);
    const account = ok ? { principal: { userId, username: user.username, role: user.role as UserRole, mustChangePassword: user.mustChangePassword ?? false }, epoch: user.tokenEpoch ?? '0' } : null;
    if (this.#accounts.size > 10_000) this.#accounts.clear();
    this.#accounts.set(userId, { at: Date.now(), account });
    return account;
  }

  /** Calls `listener` when an account's tokens end (deactivation, role or password change), here or on another instance. */
  onAccountChanged(listener: (e: AccountChange) => void): () => void {
    return this.#events.subscribe(listener);
  }

  /** Writes pending throttle summaries (shutdown). */
  async drain(): Promise<void> {
    await this.#throttled.flush();
  }

  async createUser(input: CreateUserInput, actor: Principal): Promise<UserView> {
    const passwordHash = await hashPassword(input.password);
    const _id = new mongoose.Types.ObjectId();
    const event = { actor: userActor(actor), action: 'user.create', target: `user:${_id.toHexString()}`, outcome: 'success', details: { role: input.role } } as const;
    try {
      const user = await this.audit.recorded(event, { collection: USERS, id: _id, change: 'create' }, () => UserModel.create({ _id, username: input.username, passwordHash, role: input.role, displayName: input.displayName, active: true }));
      return toView(user.toObject() as UserDoc);
    } catch (err) {
      if (isDuplicateKey(err)) throw new ConflictError({ message: 'That username is taken.', code: 'username_taken' });
      throw err;
    }
  }

  async listUsers(q: UserListQuery): Promise<{ items: UserView[] }> {
    const filter = q.role ? { role: q.role } : {};
    const users = await UserModel.find(filter).sort({ username: 1 }).limit(q.limit).lean<UserDoc[]>();
    return { items: users.map(toView) };
  }

  /** Active users for picking session participants (no usernames: they are login names). */
  async directory(q: DirectoryQuery): Promise<{ items: DirectoryEntry[] }> {
    const filter = q.role ? { role: q.role, active: true } : { active: true };
    const users = await UserModel.find(filter).sort({ displayName: 1 }).limit(q.limit).lean<UserDoc[]>();
    return { items: users.map((u) => ({ id: u._id.toHexString(), displayName: u.displayName, role: u.role as UserRole })) };
  }

  async getUser(id: string): Promise<UserView> {
    if (!mongoose.isValidObjectId(id)) throw noSuchUser();
    const user = await UserModel.findById(id).lean<UserDoc>();
    if (!user) throw noSuchUser();
    return toView(user);
  }

  /** Users by id (for session participants); unknown ids are simply absent. */
  async usersByIds(ids: readonly string[]): Promise<Map<string, UserView>> {
    const users = await UserModel.find({ _id: { $in: [...new Set(ids)].filter((i) => mongoose.isValidObjectId(i)) } }).lean<UserDoc[]>();
    return new Map(users.map((u) => [u._id.toHexString(), toView(u)]));
  }

  /**
   * Changes an account. Deactivation, a role change and a new password end every earlier token
   * of the account at once and cut its live connections; the last active administrator can be
   * neither deactivated nor demoted (409 `last_admin`).
   */
  async updateUser(id: string, input: UpdateUserInput, actor: Principal): Promise<UserView> {
    const current = await this.getUser(id);
    const set: Record<string, unknown> = {};
    if (input.role && input.role !== current.role) set.role = input.role;
    if (input.displayName) set.displayName = input.displayName;
    if (input.active !== undefined && input.active !== current.active) set.active = input.active;
    if (input.password) set.passwordHash = await hashPassword(input.password);
    const endsTokens = 'role' in set || 'active' in set || 'passwordHash' in set;
    const removesAdmin = current.role === 'admin' && current.active && (set.role !== undefined || set.active === false);
    const changed = Object.keys(set).map((k) => (k === 'passwordHash' ? 'password' : k));
    const event = { actor: userActor(actor), action: 'user.update', target: `user:${id}`, outcome: 'success', details: { changed } } as const;
    const write = () => this.#write(id, set, endsTokens, event);
    const user = removesAdmin ? await withAdminRemaining(id, write) : await write();
    return toView(user);
  }

  /**
   * Writes `set` with its audit `event` (audit.recorded(), a versioned compare-and-set: two
   * changes of one account at once both land); with `endsTokens`, a fresh token epoch, and
   * publishes the change once stored.
   */
  async #write(id: string, set: Record<string, unknown>, endsTokens: boolean, event: AuditInput, stillHolds?: (current: UserDoc) => boolean): Promise<UserDoc> {
    const at = new Date();
    const update = endsTokens ? { ...set, tokenEpoch: newTokenEpoch(), accountChangedAt: at } : set;
    const user = await this.audit
      .recorded(event, { collection: USERS, id: storedId(id), change: 'update' }, async (stamp) => {
        const r = await updateVersioned<UserDoc>(UserModel, id, (current) => (stillHolds && !stillHolds(current) ? null : update), stamp);
        if (!r.found) throw noSuchUser();
        if (!r.changed) throw new ConflictError({ message: 'The account changed meanwhile; sign in again.', code: 'account_changed' });
        return r.doc;
      });
    if (endsTokens) this.#events.publish(id, at);
    else this.#accounts.delete(id);
    if ('passwordHash' in set) forgetInitialPassword(this.config.dataDir, user.username);
    return user;
  }

  /**
   * The caller changes their own password (the current one required; failures throttled like
   * logins). Every earlier token ends; the answer carries a new one.
   */
  async changeOwnPassword(actor: Principal, currentPassword: string, newPassword: string, address: string): Promise<IssuedToken> {
    if (!this.limiter.begin(actor.username, address)) throw new TooManyRequestsError({ message: 'Too many failed attempts; try again later.', code: 'login_throttled' });
    let ok = false;
    try {
      const user = await UserModel.findById(actor.userId).lean<UserDoc>();
      ok = Boolean(user) && (await verifyPassword(user!.passwordHash, currentPassword));
      if (!ok) {
        await this.audit.append({ actor: userActor(actor), action: 'user.passwordChange', target: `user:${actor.userId}`, outcome: 'failure', details: { reason: 'bad_credentials' } });
        throw new UnauthorizedError({ message: 'The current password is wrong.', code: 'bad_credentials' });
      }
      if (currentPassword === newPassword) throw new ValidationError({ message: 'The request is not valid.', details: [{ path: 'body.newPassword', message: 'must differ from the current password' }] });
      const event = { actor: userActor(actor), action: 'user.passwordChange', target: `user:${actor.userId}`, outcome: 'success' } as const;
      // Only over the password just checked: a reset by an administrator landing meanwhile wins.
      const checked = user!.passwordHash;
      const updated = await this.#write(actor.userId, { passwordHash: await hashPassword(newPassword), mustChangePassword: false }, true, event, (cur) => cur.passwordHash === checked);
      return this.#issue(updated);
    } finally {
      this.limiter.finish(actor.username, address, ok);
    }
  }

  /**
   * An administrator resets another account's password to a generated one-time password, shown
   * once in the answer: the account's tokens end and it must choose its own at next sign-in.
   */
  async resetPassword(id: string, actor: Principal): Promise<{ user: UserView; password: string }> {
    await this.getUser(id);
    const password = generatePassword();
    const event = { actor: userActor(actor), action: 'user.passwordReset', target: `user:${id}`, outcome: 'success' } as const;
    const user = await this.#write(id, { passwordHash: await hashPassword(password), mustChangePassword: true }, true, event);
    return { user: toView(user), password };
  }
}
