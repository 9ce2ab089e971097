/**
 * Accounts and authentication: argon2id password hashes, HS256 tokens, login throttling, the
 * first administrator from configuration, and resolving a bearer token to a `Principal`.
 */
import argon2 from 'argon2';
import mongoose from 'mongoose';
import type { Config } from '../../config/index.js';
import { userActor, type AuditLog } from '../audit/index.js';
import { ConflictError, NotFoundError, TooManyRequestsError, UnauthorizedError } from '../errors.js';
import { USER_ROLES, type Principal, type UserRole } from '../http/access.js';
import type { Logger } from '../logger.js';
import type { CreateUserInput, DirectoryEntry, DirectoryQuery, UpdateUserInput, UserListQuery, UserView } from './auth.schemas.js';
import { LoginLimiter } from './loginLimiter.js';
import { TokenService } from './tokens.js';
import { UserModel, type UserDoc } from './user.model.js';
import { isDuplicateKey } from '../db/duplicateKey.js';

// OWASP's argon2id minimum (19 MiB, 2 passes): strong, and fast enough for tests on 2 cores.
/** How long a looked-up account is reused by `principalFromToken` (5 s). */
export const ACCOUNT_CACHE_MS = 5_000;

const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

function toView(u: UserDoc): UserView {
  return { id: u._id.toHexString(), username: u.username, role: u.role as UserRole, displayName: u.displayName, active: u.active };
}


/** The auth domain's rules. */
export class AuthService {
  readonly tokens: TokenService;
  readonly limiter = new LoginLimiter();
  #dummyHash: Promise<string> | undefined;
  readonly #accounts = new Map<string, { at: number; principal: Principal | null }>();

  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
    private readonly audit: AuditLog,
  ) {
    this.tokens = new TokenService(config.auth);
  }

  /** Creates the configured first administrator unless that username already exists. */
  async ensureAdmin(): Promise<void> {
    const admin = this.config.auth.admin;
    if (!admin) return;
    if (await UserModel.exists({ username: admin.username })) return;
    try {
      const passwordHash = await argon2.hash(admin.password, HASH_OPTIONS);
      const user = await UserModel.create({ username: admin.username, passwordHash, role: 'admin', displayName: 'Administrator', active: true });
      await this.audit.append({ actor: { kind: 'system' }, action: 'user.create', target: `user:${user._id.toHexString()}`, outcome: 'success', details: { role: 'admin', bootstrap: true } });
      this.logger.info({ username: admin.username }, 'ensureAdmin() created the first administrator');
    } catch (err) {
      // Another process created it between our check and insert: that is the outcome we wanted.
      if (!isDuplicateKey(err)) throw err;
    }
  }

  /** Checks a password; throttled per username and per address; every outcome audited. */
  async login(username: string, password: string, address: string): Promise<{ token: string; expiresIn: number; user: UserView }> {
    if (this.limiter.blocked(username, address)) {
      await this.audit.append({ actor: { kind: 'anonymous', label: username }, action: 'auth.login', target: 'user:unknown', outcome: 'failure', details: { reason: 'throttled' } });
      throw new TooManyRequestsError({ message: 'Too many failed logins; try again later.', code: 'login_throttled' });
    }
    const user = await UserModel.findOne({ username: String(username) }).lean<UserDoc>();
    // Verify against a dummy hash for unknown users so timing does not reveal which names exist.
    const ok = await argon2.verify(user?.passwordHash ?? (await this.#dummy()), password).catch(() => false);
    if (!user || !ok || !user.active) {
      this.limiter.recordFailure(username, address);
      await this.audit.append({ actor: { kind: 'anonymous', label: username }, action: 'auth.login', target: user ? `user:${user._id.toHexString()}` : 'user:unknown', outcome: 'failure', details: { reason: 'bad_credentials' } });
      throw new UnauthorizedError({ message: 'Wrong username or password.', code: 'bad_credentials' });
    }
    this.limiter.recordSuccess(username);
    const view = toView(user);
    await this.audit.append({ actor: userActor({ userId: view.id, role: view.role, username: view.username }), action: 'auth.login', target: `user:${view.id}`, outcome: 'success' });
    return { ...this.tokens.issue({ sub: view.id, role: view.role, username: view.username }), user: view };
  }

  #dummy(): Promise<string> {
    this.#dummyHash ??= argon2.hash('not-a-real-password-just-for-timing', HASH_OPTIONS);
    return this.#dummyHash;
  }

  /** Resolves `Authorization: Bearer <jwt>` to the caller, checking the account is active. */
  async authenticateHeader(authorization: string | undefined): Promise<Principal> {
    const match = /^Bearer ([A-Za-z0-9_\-.=]+)$/.exec(authorization ?? '');
    if (!match?.[1]) throw new UnauthorizedError();
    return this.principalFromToken(match[1]);
  }

  /**
   * Verifies a user JWT and loads its account, so role changes and deactivation apply to tokens
   * already issued: at once for changes made through this process, within `ACCOUNT_CACHE_MS`
   * for changes made by another process.
   */
  async principalFromToken(token: string): Promise<Principal> {
    const claims = this.tokens.verify(token);
    if (!mongoose.isValidObjectId(claims.sub)) throw new UnauthorizedError({ message: 'The token is invalid or expired.', code: 'invalid_token' });
    const principal = await this.#account(claims.sub);
    if (!principal) throw new UnauthorizedError({ message: 'The token is invalid or expired.', code: 'invalid_token' });
    return principal;
  }

  /** The active account behind a user id (null when missing or inactive), briefly cached. */
  async #account(userId: string): Promise<Principal | null> {
    const hit = this.#accounts.get(userId);
    if (hit && Date.now() - hit.at < ACCOUNT_CACHE_MS) return hit.principal;
    const user = await UserModel.findById(userId, { username: 1, role: 1, active: 1 }).lean<UserDoc>();
    const ok = user?.active && (USER_ROLES as readonly string[]).includes(user.role);
    const principal = ok ? { userId, username: user.username, role: user.role as UserRole } : null;
    if (this.#accounts.size > 10_000) this.#accounts.clear();
    this.#accounts.set(userId, { at: Date.now(), principal });
    return principal;
  }

  async createUser(input: CreateUserInput, actor: Principal): Promise<UserView> {
    const passwordHash = await argon2.hash(input.password, HASH_OPTIONS);
    try {
      const user = await UserModel.create({ username: input.username, passwordHash, role: input.role, displayName: input.displayName, active: true });
      const view = toView(user);
      await this.audit.append({ actor: userActor(actor), action: 'user.create', target: `user:${view.id}`, outcome: 'success', details: { role: view.role } });
      return view;
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
    const user = await UserModel.findById(id).lean<UserDoc>();
    if (!user) throw new NotFoundError({ message: 'No such user.' });
    return toView(user);
  }

  /** Users by id (for session participants); unknown ids are simply absent. */
  async usersByIds(ids: readonly string[]): Promise<Map<string, UserView>> {
    const users = await UserModel.find({ _id: { $in: [...new Set(ids)] } }).lean<UserDoc[]>();
    return new Map(users.map((u) => [u._id.toHexString(), toView(u)]));
  }

  async updateUser(id: string, input: UpdateUserInput, actor: Principal): Promise<UserView> {
    const set: Record<string, unknown> = {};
    if (input.role) set.role = input.role;
    if (input.displayName) set.displayName = input.displayName;
    if (input.active !== undefined) set.active = input.active;
    if (input.password) set.passwordHash = await argon2.hash(input.password, HASH_OPTIONS);
    const user = await UserModel.findByIdAndUpdate(id, { $set: set }, { new: true }).lean<UserDoc>();
    this.#accounts.delete(id);
    if (!user) throw new NotFoundError({ message: 'No such user.' });
    const changed = Object.keys(set).map((k) => (k === 'passwordHash' ? 'password' : k));
    await this.audit.append({ actor: userActor(actor), action: 'user.update', target: `user:${id}`, outcome: 'success', details: { changed } });
    return toView(user);
  }
}
