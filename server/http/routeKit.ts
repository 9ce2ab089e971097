/**
 * Registers API routes with their schemas and access rule in one call. Each route is
 * authenticated and role-checked from `access.ts`, its params/query/body are screened for
 * operator injection and parsed with its zod schemas, and the spec is kept for the OpenAPI
 * document. Handlers return the response body; errors reach the one error handler.
 */
import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import { ForbiddenError, UnauthorizedError } from '../errors.js';
import { ROUTE_ACCESS, type Access, type Principal, type RouteKey } from './access.js';
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
}

/** Resolves an `Authorization` header to the caller (throws UnauthorizedError). */
export type Authenticator = (authorization: string | undefined) => Promise<Principal>;

/** The API's router plus the list of its routes. */
export class RouteKit {
  readonly router = Router();
  readonly routes: RegisteredRoute[] = [];
  /** Handlers still running, even for requests whose client has gone (shutdown waits for them). */
  readonly #running = new Set<Promise<void>>();

  constructor(private readonly authenticate: Authenticator) {}

  /** Resolves once every handler running now has finished, or after `ms`. */
  async settled(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.#running]), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }

  /** Registers one route; its key must be in `ROUTE_ACCESS`. */
  add<P extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, B extends Schema | undefined = undefined>(
    spec: RouteSpec<P, Q, B>,
  ): void {
    const [method, path] = spec.key.split(' ') as [string, string];
    const access: Access = ROUTE_ACCESS[spec.key];
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
    });
    const register = this.router[method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'].bind(this.router);
    register(path, (req: Request, res: Response) => {
      const work = this.#serve(spec, access, req, res);
      this.#running.add(work);
      const done = () => void this.#running.delete(work);
      work.then(done, done);
      return work;
    });
  }

  async #serve<P extends Schema | undefined, Q extends Schema | undefined, B extends Schema | undefined>(spec: RouteSpec<P, Q, B>, access: Access, req: Request, res: Response): Promise<void> {
    const principal = await this.#check(access, req.headers.authorization, async (actor) => {
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

  async #check(access: Access, authorization: string | undefined, onForbidden: (actor: Principal) => Promise<void>): Promise<Principal | undefined> {
    if (access === 'public') return authorization ? this.authenticate(authorization).catch(() => undefined) : undefined;
    const principal = await this.authenticate(authorization);
    if (!access.includes(principal.role)) {
      await onForbidden(principal);
      throw new ForbiddenError();
    }
    return principal;
  }
}
