/**
 * Registers request handlers on a socket: every request is size-checked, validated against its
 * schema, checked against the sender's role and admission, run, and acknowledged.
 */
import { ForbiddenError, PayloadTooLargeError, ValidationError } from '../../common/errors.js';
import type { Logger } from '../logger.js';
import { toAck, validationError } from './ack.js';
import { RequestLimiter } from './limits.js';
import {
  CONTROL_REQUESTS,
  CONTROL_ROLES,
  LOBBY_REQUESTS,
  MAX_PAYLOAD_CHARS,
  requestSchemas,
  type Ack,
  type RequestName,
  type RequestPayload,
  type ResponseData,
} from './contract.js';
import type { Hub, RoomSocket } from './hub.js';
import type { RoomTicket } from './ports.js';

/** What every handler receives besides its payload. */
export interface CallContext {
  readonly socket: RoomSocket;
  readonly ticket: RoomTicket;
  readonly hub: Hub;
}

export type Handler<K extends RequestName> = (ctx: CallContext, payload: RequestPayload<K>) => Promise<ResponseData[K]>;
export type Handlers = { [K in RequestName]: Handler<K> };

/**
 * Attaches every handler of `handlers` to `socket`, behind the socket's request limiter: refusals
 * are counted by code and summarised into the audit trail (once a window, and when it leaves).
 */
export function registerHandlers(ctx: CallContext, handlers: Handlers, log: Logger): void {
  const limiter = new RequestLimiter();
  const summarise = (force: boolean) => {
    const summary = limiter.summary(force);
    if (!summary) return;
    const { ticket } = ctx;
    ctx.hub.access
      .audit({ actor: ticket, action: 'room.refusals', target: `participant:${ticket.participantId}`, outcome: 'failure', details: { sessionId: ticket.sessionId, ...summary } })
      .catch((err: unknown) => log.error({ err }, 'audit() of refusals failed'));
  };
  for (const name of Object.keys(requestSchemas) as RequestName[]) {
    ctx.socket.on(name, (payload: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return; // a request without acknowledgement cannot be answered
      const reply = ack as (res: Ack<unknown>) => void;
      run(ctx, limiter, name, handlers[name] as Handler<RequestName>, payload).then(
        (data) => reply({ ok: true, data }),
        (err: unknown) => {
          const res = toAck(err, log, name);
          if (!res.ok && res.error.code !== 'rate_limited') limiter.count(res.error.code);
          reply(res);
          summarise(false);
        },
      );
    });
  }
  ctx.socket.on('disconnect', () => summarise(true));
}

async function run(ctx: CallContext, limiter: RequestLimiter, name: RequestName, handler: Handler<RequestName>, payload: unknown): Promise<unknown> {
  limiter.take();
  checkSize(payload);
  const parsed = requestSchemas[name].safeParse(payload ?? {});
  if (!parsed.success) throw validationError(parsed.error);
  if (CONTROL_REQUESTS.has(name) && !CONTROL_ROLES.has(ctx.ticket.role)) {
    throw new ForbiddenError({ message: 'Only the courtroom operator or the judge may do this.', code: 'control_forbidden' });
  }
  if (!LOBBY_REQUESTS.has(name) && ctx.hub.admission(ctx.ticket) !== 'admitted') {
    throw new ForbiddenError({ message: 'Wait in the lobby until you are admitted.', code: 'not_admitted' });
  }
  return handler(ctx, parsed.data as RequestPayload<RequestName>);
}

function checkSize(payload: unknown): void {
  let size: number;
  try {
    size = JSON.stringify(payload ?? {}).length;
  } catch {
    throw new ValidationError({ message: 'The request is not valid JSON.' });
  }
  if (size > MAX_PAYLOAD_CHARS) throw new PayloadTooLargeError({ message: `Requests are limited to ${MAX_PAYLOAD_CHARS} characters.` });
}
