/**
 * Configuration: the one place that reads the environment. `loadConfig()` parses it once at
 * start-up into a frozen, typed object and throws a `ConfigError` naming the bad variable.
 */
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { loadOrCreateDevSecrets } from './secrets.js';

/** Thrown when an environment variable is missing or malformed; `variable` names it. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Invalid configuration: ${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/**
 * Every environment variable the service reads, with its default. The README's configuration
 * table is kept in step with this list.
 */
/** An identity key's id, stored beside each ciphertext. */
const keyId = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 letters, digits, _ or -');

const envSchema = z.object({
  /** `development` (default), `test` or `production`. Production requires explicit secrets. */
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** HTTP port (default 3000; 0 picks a free port). */
  PORT: port.default(3000),
  /** Address the HTTP server binds to (default `0.0.0.0`). */
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Folder for the embedded database and generated development secrets (default `./data`). */
  DATA_DIR: z.string().min(1).default('./data'),
  /** MongoDB connection string. When unset, the embedded FerretDB is started in `DATA_DIR`. */
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  /** FerretDB binary for the embedded database (default `tools/ferretdb/bin/ferretdb`). */
  FERRETDB_BIN: z.string().min(1).default('tools/ferretdb/bin/ferretdb'),
  /** Loopback port of the embedded database (default 0: a free port each start). */
  EMBEDDED_DB_PORT: port.default(0),
  /** pino level: fatal, error, warn, info (default), debug, trace or silent. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Largest accepted JSON request body (default `100kb`). */
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/, 'must look like 100kb')
    .default('100kb'),
  /** HMAC key for user JWTs (HS256). Required in production; generated in DATA_DIR otherwise. */
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** JWT issuer claim (default `witness-bridge`). */
  JWT_ISSUER: z.string().min(1).default('witness-bridge'),
  /** JWT audience claim (default `witness-bridge-api`). */
  JWT_AUDIENCE: z.string().min(1).default('witness-bridge-api'),
  /** JWT lifetime in seconds, at most 3600 (default 3600). */
  JWT_TTL_SECONDS: positiveInt.max(3600).default(3600),
  /** AES-256-GCM key for protected identities: 32 bytes, base64. Required in production. */
  IDENTITY_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes in base64')
    .optional(),
  /** Identifier stored beside each ciphertext so keys can be rotated (default `k1`). */
  IDENTITY_KEY_ID: keyId.default('k1'),
  /**
   * Earlier identity keys, still used to read identities sealed with them until
   * `npm run identity:rotate` has re-encrypted those with `IDENTITY_KEY`: comma-separated
   * `keyId:base64key` entries (default: none).
   */
  IDENTITY_PREVIOUS_KEYS: z
    .string()
    .transform((v, ctx) => {
      const out: { keyId: string; key: Buffer }[] = [];
      for (const entry of v.split(',').map((x) => x.trim()).filter(Boolean)) {
        const sep = entry.indexOf(':');
        const id = entry.slice(0, sep);
        const key = Buffer.from(entry.slice(sep + 1), 'base64');
        // The message never repeats the entry: it holds a key.
        if (sep < 1 || !keyId.safeParse(id).success || key.length !== 32) {
          ctx.addIssue({ code: 'custom', message: `entry ${out.length + 1} must be keyId:base64 of 32 bytes` });
          return z.NEVER;
        }
        out.push({ keyId: id, key });
      }
      return out;
    })
    .default([]),
  /** First administrator, created once at start-up when both are set. */
  ADMIN_USERNAME: z
    .string()
    .regex(/^[a-z0-9._-]{3,64}$/, 'must be 3-64 lowercase letters, digits, . _ -')
    .optional(),
  /** Password of the first administrator (at least 12 characters). */
  ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  /** Counts below this are reported as `"<N"` (default 3). */
  REPORT_SUPPRESSION_THRESHOLD: positiveInt.default(3),
  /** Path of the Debian mediasoup worker binary. */
  MEDIASOUP_WORKER_BIN: z.string().min(1).default('/usr/lib/x86_64-linux-gnu/mediasoup/mediasoup-worker'),
  /** mediasoup workers (default: one per CPU core). */
  MEDIA_WORKERS: positiveInt.max(64).optional(),
  /** Lowest UDP/TCP port for WebRTC (default 40000). */
  RTC_MIN_PORT: port.default(40000),
  /** Highest UDP/TCP port for WebRTC (default 49999). */
  RTC_MAX_PORT: port.default(49999),
  /** IP the WebRTC transports listen on (default `127.0.0.1`). */
  MEDIA_LISTEN_IP: z.union([z.ipv4(), z.ipv6()]).default('127.0.0.1'),
  /** Public IP announced in ICE candidates when listening on 0.0.0.0 or behind NAT. */
  MEDIA_ANNOUNCED_IP: z.union([z.ipv4(), z.ipv6()]).optional(),
  /** mediasoup worker log level: debug, warn (default), error or none. */
  MEDIA_LOG_LEVEL: z.enum(['debug', 'warn', 'error', 'none']).default('warn'),
  /** Folder of the built web client (default `dist/client`). */
  CLIENT_DIR: z.string().min(1).default('dist/client'),
  /** Trust `X-Forwarded-For` from one reverse proxy (default false). */
  TRUST_PROXY: bool.default(false),
});

/** Frozen, typed configuration of the whole service. */
export interface Config {
  readonly env: 'development' | 'test' | 'production';
  readonly http: { readonly port: number; readonly host: string; readonly bodyLimit: string; readonly trustProxy: boolean; readonly clientDir: string };
  readonly dataDir: string;
  readonly database: {
    /** Set when an external MongoDB is used; otherwise the embedded FerretDB is started. */
    readonly uri: string | undefined;
    readonly ferretdbBin: string;
    readonly embeddedPort: number;
  };
  readonly logLevel: string;
  readonly auth: {
    readonly jwtSecret: string;
    readonly issuer: string;
    readonly audience: string;
    readonly ttlSeconds: number;
    readonly admin: { readonly username: string; readonly password: string } | undefined;
  };
  /** The key identities are sealed with, and earlier keys still accepted for reading. */
  readonly identity: { readonly key: Buffer; readonly keyId: string; readonly previous: readonly { readonly keyId: string; readonly key: Buffer }[] };
  readonly reports: { readonly suppressionThreshold: number };
  readonly media: {
    readonly workerBin: string;
    readonly workers: number;
    readonly rtcMinPort: number;
    readonly rtcMaxPort: number;
    readonly listenIp: string;
    readonly announcedIp: string | undefined;
    readonly logLevel: 'debug' | 'warn' | 'error' | 'none';
  };
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Buffer.isBuffer(o)) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/**
 * Parses `env` (normally `process.env`) into a frozen `Config`.
 * @throws ConfigError naming the first bad variable.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // Empty strings count as unset, so `FOO=` in a .env file falls back to the default.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0] ?? 'environment'), issue.message);
  }
  const e = parsed.data;
  if (e.IDENTITY_PREVIOUS_KEYS.some((k, i, all) => k.keyId === e.IDENTITY_KEY_ID || all.findIndex((o) => o.keyId === k.keyId) !== i)) {
    throw new ConfigError('IDENTITY_PREVIOUS_KEYS', 'key ids must differ from each other and from IDENTITY_KEY_ID');
  }
  if (e.RTC_MIN_PORT > e.RTC_MAX_PORT) throw new ConfigError('RTC_MIN_PORT', 'must not exceed RTC_MAX_PORT');
  if ((e.ADMIN_USERNAME === undefined) !== (e.ADMIN_PASSWORD === undefined)) {
    throw new ConfigError(e.ADMIN_USERNAME === undefined ? 'ADMIN_USERNAME' : 'ADMIN_PASSWORD', 'set both ADMIN_USERNAME and ADMIN_PASSWORD, or neither');
  }
  const dataDir = path.resolve(e.DATA_DIR);
  let jwtSecret = e.JWT_SECRET;
  let identityKey = e.IDENTITY_KEY;
  if (e.NODE_ENV === 'production') {
    if (!jwtSecret) throw new ConfigError('JWT_SECRET', 'is required when NODE_ENV=production');
    if (!identityKey) throw new ConfigError('IDENTITY_KEY', 'is required when NODE_ENV=production');
  } else if (!jwtSecret || !identityKey) {
    const dev = loadOrCreateDevSecrets(dataDir);
    jwtSecret ??= dev.jwtSecret;
    identityKey ??= dev.identityKey;
  }
  return deepFreeze<Config>({
    env: e.NODE_ENV,
    http: { port: e.PORT, host: e.HOST, bodyLimit: e.BODY_LIMIT, trustProxy: e.TRUST_PROXY, clientDir: path.resolve(e.CLIENT_DIR) },
    dataDir,
    database: { uri: e.MONGODB_URI, ferretdbBin: path.resolve(e.FERRETDB_BIN), embeddedPort: e.EMBEDDED_DB_PORT },
    logLevel: e.LOG_LEVEL,
    auth: {
      jwtSecret,
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      ttlSeconds: e.JWT_TTL_SECONDS,
      admin: e.ADMIN_USERNAME && e.ADMIN_PASSWORD ? { username: e.ADMIN_USERNAME, password: e.ADMIN_PASSWORD } : undefined,
    },
    identity: { key: Buffer.from(identityKey, 'base64'), keyId: e.IDENTITY_KEY_ID, previous: e.IDENTITY_PREVIOUS_KEYS },
    reports: { suppressionThreshold: e.REPORT_SUPPRESSION_THRESHOLD },
    media: {
      workerBin: e.MEDIASOUP_WORKER_BIN,
      workers: e.MEDIA_WORKERS ?? Math.max(1, os.availableParallelism()),
      rtcMinPort: e.RTC_MIN_PORT,
      rtcMaxPort: e.RTC_MAX_PORT,
      listenIp: e.MEDIA_LISTEN_IP,
      announcedIp: e.MEDIA_ANNOUNCED_IP,
      logLevel: e.MEDIA_LOG_LEVEL,
    },
  });
}
