/**
 * Registers API routes with their schemas and access rule in one call. Each route is
 * authenticated and role-checked from `access.ts`, its params/query/body are screened for
 * operator injection and parsed with its zod schemas, and the spec is kept for the OpenAPI
 * document. Handlers return the response body; errors reach the one error handler.
 */
import { atMost } from '../../common/atMost.js';
import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import { ForbiddenError, MethodNotAllowedError, UnauthorizedError } from '../../common/errors.js';
import { PASSWORD_CHANGE_ROUTES, ROUTE_ACCESS, type Access, type Principal, type RouteKey } from './access.js';
import { parseInput, refuseOperatorKeys } from './validate.js';

/** What a handler receives. */
export interface RouteContext<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly req: Request;
  readonly res: Response;
  /** The caller; throws 401 on a public route called without a token. */
  actor(): Principal;
}

type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/** One route's declaration. */
export interface RouteSpec<P extends Schema | undefined, Q extends Schema | undefined, B extends Schema | undefined> {
  readonly key: RouteKey;
  readonly summary: string;
  readonly tag: string;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  /** Success status (default 200; 204 when the handler returns undefined). */
  readonly status?: number;
  /** Extra response media types (besides JSON), for the OpenAPI document. */
  readonly produces?: readonly string[];
  /**
   * When the route answers 409 or 429, in words (for the OpenAPI document); 400, 401, 403, 404
   * (routes with path parameters) and 413 (routes with a body) are declared by the kit itself.
   */
  readonly conflicts?: string;
  readonly throttled?: string;
  /** On a public route that checks credentials itself: when it answers 401. */
  readonly badCredentials?: string;
  /** Rules across fields that the schemas cannot express (documented in the OpenAPI document). */
  readonly rules?: readonly string[];
  /**
   * Called when an authenticated caller's role is refused, before the 403 is sent, for routes
   * whose refusals must leave a record (identity reads). `params` is undefined when invalid.
   */
  readonly onForbidden?: (refusal: { readonly actor: Principal; readonly params: Out<P> | undefined }) => Promise<void>;
  handle(ctx: RouteContext<Out<P>, Out<Q>, Out<B>>): Promise<unknown>;
}

/** A registered route, as the OpenAPI generator sees it. */
export interface RegisteredRoute {
  readonly method: string;
  readonly path: string;
  readonly access: Access;
  readonly summary: string;
  readonly tag: string;
  readonly params?: Schema;
  readonly query?: Schema;
  readonly body?: Schema;
  readonly status: number;
  readonly produces: readonly string[];
  readonly conflicts?: string;
  readonly throttled?: string;
  readonly badCredentials?: string;
  readonly rules: readonly string[];
}

/** Resolves an `Authorization` header to the caller (throws UnauthorizedError). */
export type Authenticator = (authorization: string | undefined) => Promise<Principal>;

/** The API's router plus the list of its routes. */
export class RouteKit {
  readonly router = Router();
  readonly routes: RegisteredRoute[] = [];
  /** Handlers still running, even for requests whose client has gone (shutdown waits for them). */
  readonly #running = new Set<Promise<void>>();

  constructor(private readonly authenticate: Authenticator) {
    this.router.use(this.#refuseUndeclaredMethods);
  }

  /** Resolves once every handler running now has finished, or after `ms`. */
  async settled(ms: number): Promise<void> {
    await atMost(ms, Promise.allSettled([...this.#running]));
  }

  /** Registers one route; its key must be in `ROUTE_ACCESS`. */
  add<P extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, B extends Schema | undefined = undefined>(
    spec: RouteSpec<P, Q, B>,
  ): void {
    const [method, path] = spec.key.split(' ') as [string, string];
    const access: Access = ROUTE_ACCESS[spec.key];
    this.#compiled = undefined;
    this.routes.push({
      method: method.toLowerCase(),
      path,
      access,
      summary: spec.summary,
      tag: spec.tag,
      params: spec.params,
      query: spec.query,
      body: spec.body,
      status: spec.status ?? 200,
      produces: spec.produces ?? [],
      conflicts: spec.conflicts,
      throttled: spec.throttled,
      badCredentials: spec.badCredentials,
      rules: spec.rules ?? [],
    });
    const register = this.router[method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'].bind(this.router);
    register(path, (req: Request, res: Response) => {
      const work = this.#serve(spec, access, req, res);
      this.#running.add(work);
      const done = () => void this.#running.delete(work);
      work.then(done, done);
      return work;
    });
  }

  /**
   * Answers 405 with an `Allow` header for a method the path does not declare (and OPTIONS with
   * the same header), before any route runs. As in OpenAPI, a literal path wins over a templated
   * one: `PATCH /users/directory` is refused, not read as `PATCH /users/:id`.
   */
  readonly #refuseUndeclaredMethods = (req: Request, res: Response, next: (err?: unknown) => void): void => {
    const candidates = this.#templates.filter((t) => t.pattern.test(req.path));
    if (candidates.length === 0) return next();
    const best = candidates.reduce((a, b) => (b.literals > a.literals ? b : a));
    const methods = this.routes.filter((r) => r.path === best.path).map((r) => r.method.toUpperCase());
    if (methods.includes(req.method) || (req.method === 'HEAD' && methods.includes('GET'))) return next();
    const allow = [...methods, ...(methods.includes('GET') ? ['HEAD'] : []), 'OPTIONS'];
    if (req.method === 'OPTIONS') return void res.setHeader('Allow', allow.join(', ')).status(204).end();
    next(new MethodNotAllowedError({ message: `${req.method} is not allowed here.`, allow }));
  };

  #compiled: { path: string; pattern: RegExp; literals: number }[] | undefined;

  /** Registered paths as patterns, with how many literal segments each has (compiled once routes are in). */
  get #templates(): { path: string; pattern: RegExp; literals: number }[] {
    return (this.#compiled ??= [...new Set(this.routes.map((r) => r.path))].map((path) => ({
      path,
      pattern: new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z]+/g, '[^/]+')}/?$`),
      literals: path.split('/').filter((seg) => seg && !seg.startsWith(':')).length,
    })));
  }

  async #serve<P extends Schema | undefined, Q extends Schema | undefined, B extends Schema | undefined>(spec: RouteSpec<P, Q, B>, access: Access, req: Request, res: Response): Promise<void> {
    const principal = await this.#check(spec.key, access, req.headers.authorization, async (actor) => {
      const parsed = spec.params?.safeParse(req.params);
      await spec.onForbidden?.({ actor, params: parsed?.success ? (parsed.data as Out<P>) : undefined });
    });
    refuseOperatorKeys({ body: req.body, query: req.query, params: req.params });
    const ctx = {
      params: (spec.params ? parseInput(spec.params, req.params, 'params') : undefined) as Out<P>,
      query: (spec.query ? parseInput(spec.query, req.query, 'query') : undefined) as Out<Q>,
      body: (spec.body ? parseInput(spec.body, req.body ?? {}, 'body') : undefined) as Out<B>,
      req,
      res,
      actor: (): Principal => {
        if (!principal) throw new UnauthorizedError();
        return principal;
      },
    };
    const result = await spec.handle(ctx);
    if (res.headersSent) return;
    if (result === undefined) res.status(204).end();
    else res.status(spec.status ?? 200).json(result);
  }

  async #check(key: RouteKey, access: Access, authorization: string | undefined, onForbidden: (actor: Principal) => Promise<void>): Promise<Principal | undefined> {
    if (access === 'public') return authorization ? this.authenticate(authorization).catch(() => undefined) : undefined;
    const principal = await this.authenticate(authorization);
    // A generated one-time password is good for choosing one's own password, nothing else.
    if (principal.mustChangePassword && !PASSWORD_CHANGE_ROUTES.has(key)) {
      throw new ForbiddenError({ message: 'Choose a new password first.', code: 'password_change_required' });
    }
    if (!access.includes(principal.role)) {
      await onForbidden(principal);
      throw new ForbiddenError();
    }
    return principal;
  }
}
