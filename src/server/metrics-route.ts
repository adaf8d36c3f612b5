import type { Handler } from 'hono';
import type { IncomingMessage } from 'node:http';
import type { Registry } from 'prom-client';
import { makeError, type ProtocolError } from '../protocol/errors.js';
import type { MetricsAccess } from './config.js';
import { refusal, type HttpEnv } from './http-answers.js';

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
export function metricsHandler(options: MetricsRouteOptions): Handler<HttpEnv> {
  return async (c) => {
    const refused = refusalOf(c.env.incoming, options);
    if (refused !== undefined) {
      const headers: Record<string, string> = refused.status === 401 ? { 'www-authenticate': 'Bearer' } : {};
      return refusal(refused.error, { status: refused.status, headers });
    }
    const text = await options.registry.metrics();
    return new Response(text, { headers: { 'content-type': options.registry.contentType } });
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
