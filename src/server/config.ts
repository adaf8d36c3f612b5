import { join, resolve } from 'node:path';
import validVersion from 'semver/functions/valid.js';
import { MIN_CLIENT_VERSION } from '../protocol/version.js';
import { edgeLimits, type EdgeLimits } from '../transport/limits.js';
import { DEFAULT_UPLOAD_LIMITS, type UploadLimits } from './upload-limits.js';

/** The fixed default port of the WebSocket/HTTP server ("TL" on a phone keypad: 8-5, doubled). */
export const DEFAULT_PORT = 8585;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_DATA_DIR = './data';
export const SOCKET_FILE = 'truinlag.sock';
/** The free disk space picture storage leaves for the game's own writes, unless configured (PICTURE-10). */
export const DEFAULT_PICTURE_DISK_RESERVE_BYTES = 1024 * 1024 * 1024;

/**
 * Who may read `/metrics` (OPS-1): `token` asks for the admin token as `Authorization: Bearer`, from
 * anywhere; `loopback` lets in requests from this machine without a token, and nothing else.
 */
export const METRICS_ACCESS = ['token', 'loopback'] as const;
export type MetricsAccess = (typeof METRICS_ACCESS)[number];

export interface ServerConfig {
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly socketPath: string;
  /** Bytes a client may have waiting in its outbound queue before it is cut off (issue 3). */
  readonly maxQueueBytes: number;
  /** Interval between WebSocket pings; a client silent for a whole interval is closed. */
  readonly heartbeatMs: number;
  readonly logLevel: string;
  /** What any one connection or address may make the server do (the LIMIT rules). */
  readonly limits: EdgeLimits;
  /** A map tile URL template the player app may load tiles from; null (default): no outside request. */
  readonly tileUrl: string | null;
  /** Who may read `/metrics` (OPS-1); default `token`: behind a reverse proxy every request is local. */
  readonly metricsAccess: MetricsAccess;
  /** Engine turns taking more loop time than this are logged (ms, OPS-2). */
  readonly slowTurnMs: number;
  /** The oldest client version a hello may name (PROTOCOL-7). */
  readonly minClientVersion: string;
  /** HTTP picture uploads: how many at once, how fast (PICTURE-8, PICTURE-9). */
  readonly uploads: UploadLimits;
  /** The free disk space pictures may not take: what the game's own writes keep (PICTURE-10). */
  readonly pictureDiskReserveBytes: number;
}

export interface ServerConfigInput {
  readonly dataDir?: string | undefined;
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly socketPath?: string | undefined;
  readonly maxQueueBytes?: number | undefined;
  readonly heartbeatMs?: number | undefined;
  readonly logLevel?: string | undefined;
  readonly limits?: Partial<EdgeLimits> | undefined;
  readonly tileUrl?: string | null | undefined;
  readonly metricsAccess?: MetricsAccess | undefined;
  readonly slowTurnMs?: number | undefined;
  readonly minClientVersion?: string | undefined;
  readonly uploads?: Partial<UploadLimits> | undefined;
  readonly pictureDiskReserveBytes?: number | undefined;
}

/** Flags win over environment variables, which win over the embedded defaults. */
export function resolveServerConfig(
  input: ServerConfigInput,
  env: NodeJS.ProcessEnv = process.env,
): ServerConfig {
  const dataDir = resolve(input.dataDir ?? env.TRUINLAG_DATA ?? DEFAULT_DATA_DIR);
  return {
    dataDir,
    host: input.host ?? env.TRUINLAG_HOST ?? DEFAULT_HOST,
    port: input.port ?? numberOr(env.TRUINLAG_PORT, DEFAULT_PORT),
    socketPath: input.socketPath ?? env.TRUINLAG_SOCKET ?? join(dataDir, SOCKET_FILE),
    maxQueueBytes: input.maxQueueBytes ?? numberOr(env.TRUINLAG_MAX_QUEUE_BYTES, 8 * 1024 * 1024),
    heartbeatMs: input.heartbeatMs ?? numberOr(env.TRUINLAG_HEARTBEAT_MS, 30_000),
    logLevel: input.logLevel ?? env.TRUINLAG_LOG_LEVEL ?? 'info',
    limits: edgeLimits({ ...limitsFromEnv(env), ...input.limits }),
    tileUrl: input.tileUrl ?? env.TRUINLAG_TILE_URL ?? null,
    metricsAccess: input.metricsAccess ?? metricsAccessOf(env.TRUINLAG_METRICS),
    slowTurnMs: input.slowTurnMs ?? numberOr(env.TRUINLAG_SLOW_TURN_MS, 50),
    minClientVersion: versionOf(
      input.minClientVersion ?? env.TRUINLAG_MIN_CLIENT_VERSION ?? MIN_CLIENT_VERSION,
    ),
    uploads: resolveUploadLimits(input.uploads ?? {}, env),
    pictureDiskReserveBytes:
      input.pictureDiskReserveBytes ??
      numberOr(env.TRUINLAG_PICTURE_DISK_RESERVE_BYTES, DEFAULT_PICTURE_DISK_RESERVE_BYTES),
  };
}

function resolveUploadLimits(input: Partial<UploadLimits>, env: NodeJS.ProcessEnv): UploadLimits {
  const d = DEFAULT_UPLOAD_LIMITS;
  return {
    perLogin: input.perLogin ?? numberOr(env.TRUINLAG_UPLOADS_PER_LOGIN, d.perLogin),
    total: input.total ?? numberOr(env.TRUINLAG_UPLOADS_TOTAL, d.total),
    stallMs: input.stallMs ?? numberOr(env.TRUINLAG_UPLOAD_STALL_MS, d.stallMs),
    timeLimitMs: input.timeLimitMs ?? numberOr(env.TRUINLAG_UPLOAD_TIME_LIMIT_MS, d.timeLimitMs),
  };
}

/** The default local socket of a data directory (what the CLI connects to without --url or --socket). */
export function defaultSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.TRUINLAG_SOCKET ?? join(resolve(env.TRUINLAG_DATA ?? DEFAULT_DATA_DIR), SOCKET_FILE);
}

/** The limits a deployment is most likely to change, from the environment (the rest only in code). */
function limitsFromEnv(env: NodeJS.ProcessEnv): Partial<EdgeLimits> {
  const limits: { -readonly [K in keyof EdgeLimits]?: EdgeLimits[K] } = {};
  if (env.TRUINLAG_TRUST_PROXY !== undefined) limits.trustProxy = env.TRUINLAG_TRUST_PROXY === '1';
  const perAddress = Number(env.TRUINLAG_CONNECTIONS_PER_ADDRESS);
  if (env.TRUINLAG_CONNECTIONS_PER_ADDRESS !== undefined && Number.isInteger(perAddress))
    limits.connectionsPerAddress = perAddress;
  return limits;
}

function metricsAccessOf(text: string | undefined): MetricsAccess {
  if (text === undefined) return 'token';
  const access = METRICS_ACCESS.find((name) => name === text);
  if (access === undefined)
    throw new Error(`TRUINLAG_METRICS must be one of ${METRICS_ACCESS.join(', ')}, not "${text}".`);
  return access;
}

function versionOf(text: string): string {
  if (validVersion(text) === null)
    throw new Error(`The minimum client version must be a version like 1.2.3, not "${text}".`);
  return text;
}

function numberOr(text: string | undefined, fallback: number): number {
  const value = Number(text);
  return text !== undefined && Number.isFinite(value) ? value : fallback;
}
