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

/** Distinct values a key or secret must hold at least: catches all-equal and short repeated patterns (random ones hold ~30). */
const MIN_DISTINCT = 12;

/**
 * A 32-byte key written as canonical base64 (44 characters, one `=`; no whitespace, no
 * URL-safe letters, no lenient decoding of junk), not a constant or a short repeated pattern.
 * Returns the reason it is refused, never the value.
 */
export function keyProblem(value: string): string | undefined {
  if (!/^[A-Za-z0-9+/]{43}=$/.test(value)) return 'must be 32 bytes in canonical base64 (44 characters, e.g. openssl rand -base64 32)';
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== 32 || bytes.toString('base64') !== value) return 'must be 32 bytes in canonical base64';
  if (new Set(bytes).size < MIN_DISTINCT) return 'must be random (this one repeats a few byte values)';
  return undefined;
}

/** A JWT secret: at least 32 characters and not a constant or a short repeated pattern. */
export function secretProblem(value: string): string | undefined {
  if (value.length < 32) return 'must be at least 32 characters';
  if (new Set(value).size < MIN_DISTINCT) return 'must be random (this one repeats a few characters)';
  return undefined;
}

const strictKey = z.string().superRefine((v, ctx) => {
  const problem = keyProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const positiveInt = z.coerce.number().int().positive();
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/**
 * Every environment variable the service reads, with its default. The README's configuration
 * table is kept in step with this list.
 */
/**
 * A 32-byte key given in base64: exactly 32 bytes, written canonically (decoding and encoding
 * again gives the same text, so typos and junk are not silently accepted) and not one byte
 * repeated (an all-zero placeholder).
 */
function isStrongKey32(v: string): boolean {
  const key = Buffer.from(v, 'base64');
  return key.length === 32 && key.toString('base64') === v && !key.every((b) => b === key[0]);
}

/** An identity key's id, stored beside each ciphertext. */
const keyId = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 letters, digits, _ or -');

const envSchema = z.object({
  /** `development` (default), `test` or `production`. Production requires explicit secrets. */
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** HTTP port (default 3000; 0 picks a free port). */
  PORT: port.default(3000),
  /** Address the HTTP server binds to (default `0.0.0.0`). */
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Folder for the embedded database (default `./data`). */
  DATA_DIR: z.string().min(1).default('./data'),
  /**
   * Folder for the secrets generated outside production (default: `witness-bridge` in the
   * user's configuration folder, `$XDG_CONFIG_HOME` or `~/.config`). Kept apart from DATA_DIR so
   * that a copy of the data (a backup, a shared volume) never carries the key that decrypts it.
   */
  SECRETS_DIR: z.string().min(1).optional(),
  /** User configuration folder (XDG); only used to place the default SECRETS_DIR. */
  XDG_CONFIG_HOME: z.string().min(1).optional(),
  /** MongoDB connection string. When unset, the embedded FerretDB is started in `DATA_DIR`. */
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  /** FerretDB binary for the embedded database (default `tools/ferretdb/bin/ferretdb`). */
  FERRETDB_BIN: z.string().min(1).default('tools/ferretdb/bin/ferretdb'),
  /** Loopback port of the embedded database (default 0: a free port each start). */
  EMBEDDED_DB_PORT: port.default(0),
  /** Log format: `auto` (default: human-readable on a terminal, JSON otherwise), `json` or `pretty`. */
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  /** pino level: fatal, error, warn, info (default), debug, trace or silent. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Largest accepted JSON request body (default `100kb`). */
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/, 'must look like 100kb')
    .default('100kb'),
  /** HMAC key for user JWTs (HS256): ≥ 32 characters, not constant. Required in production; generated in SECRETS_DIR otherwise. */
  JWT_SECRET: z
    .string()
    .superRefine((v, ctx) => {
      const problem = secretProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  /** JWT issuer claim (default `witness-bridge`). */
  JWT_ISSUER: z.string().min(1).default('witness-bridge'),
  /** JWT audience claim (default `witness-bridge-api`). */
  JWT_AUDIENCE: z.string().min(1).default('witness-bridge-api'),
  /** JWT lifetime in seconds, at most 3600 (default 3600). */
  JWT_TTL_SECONDS: positiveInt.max(3600).default(3600),
  /** AES-256-GCM key for protected identities: 32 random bytes, canonical base64. Required in production; generated in SECRETS_DIR otherwise. */
  IDENTITY_KEY: strictKey.optional(),
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
        const encoded = entry.slice(sep + 1);
        // The message never repeats the entry: it holds a key.
        const problem = sep < 1 || !keyId.safeParse(id).success ? 'must look like keyId:base64key' : keyProblem(encoded);
        if (problem) {
          ctx.addIssue({ code: 'custom', message: `entry ${out.length + 1}: ${problem}` });
          return z.NEVER;
        }
        out.push({ keyId: id, key: Buffer.from(encoded, 'base64') });
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
  /** mediasoup worker binary (default `tools/mediasoup-worker/bin/mediasoup-worker`, built by the set-up). */
  MEDIASOUP_WORKER_BIN: z.string().min(1).default('tools/mediasoup-worker/bin/mediasoup-worker'),
  /** mediasoup workers (default: one per CPU core). */
  MEDIA_WORKERS: positiveInt.max(64).optional(),
  /**
   * UDP and TCP port of the first worker's WebRTC server; worker i listens on RTC_PORT + i, and every
   * WebRTC transport of a worker shares its port (default 40000; 0: any free port between
   * RTC_MIN_PORT and RTC_MAX_PORT, for tests).
   */
  RTC_PORT: port.default(40000),
  /** Lowest port the workers open for anything else: loopback links to the masking processes (default 40100). */
  RTC_MIN_PORT: port.default(40100),
  /** Highest such port (default 49999). */
  RTC_MAX_PORT: port.default(49999),
  /** IP the WebRTC transports listen on (default `127.0.0.1`). */
  MEDIA_LISTEN_IP: z.union([z.ipv4(), z.ipv6()]).default('127.0.0.1'),
  /** Public IP announced in ICE candidates when listening on 0.0.0.0 or behind NAT. */
  MEDIA_ANNOUNCED_IP: z.union([z.ipv4(), z.ipv6()]).optional(),
  /** Most participants in one session's room, the court and the witness not counted against it (default 60). */
  ROOM_MAX_PARTICIPANTS: positiveInt.max(1000).default(60),
  /** ffmpeg of the masking processes (default `ffmpeg` on PATH; needs libvpx, libopus, rubberband). */
  FFMPEG_BIN: z.string().min(1).default('ffmpeg'),
  /** Python of the video masker's environment (default `tools/masker/venv/bin/python`, made by the set-up). */
  MASKER_PYTHON: z.string().min(1).default('tools/masker/venv/bin/python'),
  /** mediasoup worker log level: debug, warn (default), error or none. */
  MEDIA_LOG_LEVEL: z.enum(['debug', 'warn', 'error', 'none']).default('warn'),
  /** Folder of the built web client (default `dist/client`). */
  CLIENT_DIR: z.string().min(1).default('dist/client'),
  /** Trust `X-Forwarded-For` from one reverse proxy (default false). */
  TRUST_PROXY: bool.default(false),
  // ---- Audit chain (records) ----
  /**
   * HMAC key of the audit chain: exactly 32 bytes in canonical base64, not one byte repeated.
   * Required in production; generated with the other development secrets otherwise.
   */
  AUDIT_KEY: z.string().refine(isStrongKey32, 'must be 32 random bytes in canonical base64 (e.g. openssl rand -base64 32)').optional(),
  /** File outside the database holding the audit chain's latest head (default `DATA_DIR/audit-anchor.json`). */
  AUDIT_ANCHOR_FILE: z.string().min(1).optional(),
  // ---- end of the audit chain block ----
});

/** Frozen, typed configuration of the whole service. */
export interface Config {
  readonly env: 'development' | 'test' | 'production';
  readonly http: { readonly port: number; readonly host: string; readonly bodyLimit: string; readonly trustProxy: boolean; readonly clientDir: string };
  readonly dataDir: string;
  /** Where generated development secrets live (never inside `dataDir`); unused in production. */
  readonly secretsDir: string;
  readonly database: {
    /** Set when an external MongoDB is used; otherwise the embedded FerretDB is started. */
    readonly uri: string | undefined;
    readonly ferretdbBin: string;
    readonly embeddedPort: number;
  };
  readonly logLevel: string;
  readonly logFormat: 'auto' | 'json' | 'pretty';
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
  /** The audit chain's HMAC key and the anchor file of its head (server/audit/checkpoints.ts). */
  readonly audit: { readonly key: Buffer; readonly anchorFile: string };
  readonly media: {
    readonly workerBin: string;
    readonly workers: number;
    /** Port of worker 0's WebRTC server (worker i: +i); 0 = any free port of the range. */
    readonly webRtcPort: number;
    readonly rtcMinPort: number;
    readonly rtcMaxPort: number;
    readonly listenIp: string;
    readonly announcedIp: string | undefined;
    readonly logLevel: 'debug' | 'warn' | 'error' | 'none';
    /** Most participants per room (the judge, operator, witness and requested authority always get in). */
    readonly roomMaxParticipants: number;
    /** The processes that disguise the witness's streams. */
    readonly masking: { readonly ffmpeg: string; readonly python: string; readonly maskerScript: string };
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
  const mediaWorkers = e.MEDIA_WORKERS ?? Math.max(1, os.availableParallelism());
  if (e.RTC_PORT !== 0 && e.RTC_PORT + mediaWorkers - 1 >= e.RTC_MIN_PORT && e.RTC_PORT <= e.RTC_MAX_PORT) {
    throw new ConfigError('RTC_PORT', `RTC_PORT..RTC_PORT+${mediaWorkers - 1} (one per media worker) must lie outside RTC_MIN_PORT..RTC_MAX_PORT`);
  }
  if (e.RTC_PORT + mediaWorkers - 1 > 65535) throw new ConfigError('RTC_PORT', `RTC_PORT+${mediaWorkers - 1} must be a port number`);
  if ((e.ADMIN_USERNAME === undefined) !== (e.ADMIN_PASSWORD === undefined)) {
    throw new ConfigError(e.ADMIN_USERNAME === undefined ? 'ADMIN_USERNAME' : 'ADMIN_PASSWORD', 'set both ADMIN_USERNAME and ADMIN_PASSWORD, or neither');
  }
  const dataDir = path.resolve(e.DATA_DIR);
  const secretsDir = path.resolve(e.SECRETS_DIR ?? path.join(e.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'witness-bridge'));
  const inside = (dir: string, parent: string): boolean => dir === parent || dir.startsWith(parent + path.sep);
  if (inside(secretsDir, dataDir) || inside(dataDir, secretsDir)) throw new ConfigError('SECRETS_DIR', 'must be outside DATA_DIR (and not contain it): a copy of the data must not carry its keys');
  let jwtSecret = e.JWT_SECRET;
  let identityKey = e.IDENTITY_KEY;
  let auditKey = e.AUDIT_KEY;
  if (e.NODE_ENV === 'production') {
    if (!jwtSecret) throw new ConfigError('JWT_SECRET', 'is required when NODE_ENV=production');
    if (!identityKey) throw new ConfigError('IDENTITY_KEY', 'is required when NODE_ENV=production');
    if (!auditKey) throw new ConfigError('AUDIT_KEY', 'is required when NODE_ENV=production');
  } else if (!jwtSecret || !identityKey || !auditKey) {
    const dev = loadOrCreateDevSecrets(secretsDir, dataDir);
    jwtSecret ??= dev.jwtSecret;
    identityKey ??= dev.identityKey;
    auditKey ??= dev.auditKey;
  }
  return deepFreeze<Config>({
    env: e.NODE_ENV,
    http: { port: e.PORT, host: e.HOST, bodyLimit: e.BODY_LIMIT, trustProxy: e.TRUST_PROXY, clientDir: path.resolve(e.CLIENT_DIR) },
    dataDir,
    secretsDir,
    database: { uri: e.MONGODB_URI, ferretdbBin: path.resolve(e.FERRETDB_BIN), embeddedPort: e.EMBEDDED_DB_PORT },
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    auth: {
      jwtSecret,
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      ttlSeconds: e.JWT_TTL_SECONDS,
      admin: e.ADMIN_USERNAME && e.ADMIN_PASSWORD ? { username: e.ADMIN_USERNAME, password: e.ADMIN_PASSWORD } : undefined,
    },
    identity: { key: Buffer.from(identityKey, 'base64'), keyId: e.IDENTITY_KEY_ID, previous: e.IDENTITY_PREVIOUS_KEYS },
    reports: { suppressionThreshold: e.REPORT_SUPPRESSION_THRESHOLD },
    audit: { key: Buffer.from(auditKey, 'base64'), anchorFile: path.resolve(e.AUDIT_ANCHOR_FILE ?? path.join(dataDir, 'audit-anchor.json')) },
    media: {
      workerBin: path.resolve(e.MEDIASOUP_WORKER_BIN),
      workers: mediaWorkers,
      webRtcPort: e.RTC_PORT,
      rtcMinPort: e.RTC_MIN_PORT,
      rtcMaxPort: e.RTC_MAX_PORT,
      listenIp: e.MEDIA_LISTEN_IP,
      announcedIp: e.MEDIA_ANNOUNCED_IP,
      logLevel: e.MEDIA_LOG_LEVEL,
      roomMaxParticipants: e.ROOM_MAX_PARTICIPANTS,
      masking: {
        ffmpeg: e.FFMPEG_BIN,
        python: path.resolve(e.MASKER_PYTHON),
        // Part of the code, not of the configuration: it sits beside the environment it runs in.
        maskerScript: path.resolve(import.meta.dirname, '../../tools/masker/masker.py'),
      },
    },
  });
}
