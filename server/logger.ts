/**
 * Logging: pino with redaction configured here, once, so that identity fields, tokens and
 * secrets can never be logged whatever a module passes in.
 */
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

/** Field names that carry protected identity, credentials or tokens. */
export const SENSITIVE_KEYS = [
  'password',
  'passwordHash',
  'token',
  'inviteToken',
  'authorization',
  'cookie',
  'jwtSecret',
  'identityKey',
  'identity',
  'legalName',
  'dateOfBirth',
  'contact',
  'currentLocation',
  'location',
  'ip',
  'remoteAddress',
  'remotePort',
] as const;

const REDACT_PATHS = [
  ...SENSITIVE_KEYS,
  ...SENSITIVE_KEYS.map((k) => `*.${k}`),
  ...SENSITIVE_KEYS.map((k) => `*.*.${k}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.url',
  'req.query',
  'req.body',
];

/**
 * Creates the root logger. `destination` lets tests capture every line (the canary test reads
 * them back to prove nothing protected was logged).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'witness-bridge' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    destination ?? process.stdout,
  );
}
