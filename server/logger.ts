/**
 * Logging: pino with redaction configured here, once, so that identity fields, tokens and
 * secrets can never be logged whatever a module passes in.
 */
import { pino, type Logger, type DestinationStream } from 'pino';
import pretty from 'pino-pretty';

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

/** How log lines are written: `auto` is human-readable on a terminal and JSON otherwise. */
export type LogFormat = 'auto' | 'json' | 'pretty';

/** True when `format` asks for human-readable lines on this process's stdout. */
export function isPretty(format: LogFormat, stream: { isTTY?: boolean } = process.stdout): boolean {
  return format === 'pretty' || (format === 'auto' && stream.isTTY === true);
}

/**
 * Creates the root logger. `destination` lets tests capture every line (the canary test reads
 * them back to prove nothing protected was logged); without one, lines go to stdout, formatted
 * by pino-pretty when `format` says so. Redaction applies before either format.
 */
export function createLogger(level: string, destination?: DestinationStream, format: LogFormat = 'json'): Logger {
  const out = destination ?? (isPretty(format) ? pretty({ colorize: process.stdout.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service', sync: true }) : process.stdout);
  return pino(
    {
      level,
      base: { service: 'witness-bridge' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    out,
  );
}
