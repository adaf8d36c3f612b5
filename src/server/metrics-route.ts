import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { encodeHttpFailure } from '../protocol/encode.js';
import { makeError, type ProtocolError } from '../protocol/errors.js';
import type { HttpRoute } from '../transport/ws-server.js';

/**
 * Who may read `/metrics` (OPS-1): `token` asks for the admin token as `Authorization: Bearer`, from
 * anywhere; `loopback` lets in requests from this machine without a token, and nothing else.
 */
export const METRICS_ACCESS = ['token', 'loopback'] as const;
export type MetricsAccess = (typeof METRICS_ACCESS)[number];

/** What the `/metrics` route needs: the registry to render, and who may read it. */
export interface MetricsRouteOptions {
  readonly registry: Registry;
  readonly access: MetricsAccess;
  /** Whether a bearer token is the admin token (compared in constant time). */
  readonly isAdminToken: (token: string) => boolean;
}

/** Headers a reverse proxy adds: a request carrying one came from elsewhere, whatever its socket says. */
const FORWARDED = ['forwarded', 'x-forwarded-for', 'x-real-ip'] as const;

/** `GET /metrics`: the Prometheus text format of the server's registry, for whoever `access` lets in. */
export function metricsRoute(options: MetricsRouteOptions): HttpRoute {
  return (req, res) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/metrics') return false;
    if (req.method !== 'GET') {
      res.setHeader('allow', 'GET');
      refuse(res, 405, makeError('MALFORMED', 'Only GET /metrics.'));
      return true;
    }
    const refusal = refusalOf(req, options);
    if (refusal !== undefined) {
      refuse(res, refusal.status, refusal.error);
      return true;
    }
    options.registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': options.registry.contentType });
        res.end(text);
      },
      () => refuse(res, 500, makeError('INTERNAL')),
    );
    return true;
  };
}

function refusalOf(
  req: IncomingMessage,
  options: MetricsRouteOptions,
): { status: number; error: ProtocolError } | undefined {
  if (options.access === 'loopback') {
    if (isLoopback(req.socket.remoteAddress) && !FORWARDED.some((name) => name in req.headers))
      return undefined;
    return { status: 403, error: makeError('UNAUTHORISED', 'Metrics are served to this machine only.') };
  }
  const header = req.headers.authorization;
  const token = header?.startsWith('Bearer ') === true ? header.slice('Bearer '.length).trim() : '';
  if (token !== '' && options.isAdminToken(token)) return undefined;
  return {
    status: 401,
    error: makeError('UNAUTHORISED', 'Send the admin token: "Authorization: Bearer <token>".'),
  };
}

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 addresses. */
function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return v4.startsWith('127.') || address === '::1';
}

function refuse(res: ServerResponse, status: number, error: ProtocolError): void {
  if (status === 401) res.setHeader('www-authenticate', 'Bearer');
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(encodeHttpFailure(error));
}
