import type { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';

/**
 * The address a WebSocket client's limits are kept under (LIMIT-6 to LIMIT-8): the TCP peer, or behind
 * a trusted proxy the last `X-Forwarded-For` entry (the one that proxy wrote; earlier ones are the
 * client's own say). An IPv6 client is keyed by its /64 network, since one subscriber has a whole /64
 * and could otherwise take a fresh address for every connection.
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? lastForwarded(req.headers['x-forwarded-for']) : undefined;
  return addressKey(forwarded ?? req.socket.remoteAddress ?? 'unknown');
}

function lastForwarded(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header.at(-1) : header;
  const last = value?.split(',').at(-1)?.trim();
  return last === undefined || last === '' ? undefined : last;
}

/** An IPv4 address as it is (also when IPv4-mapped), an IPv6 address as its /64 prefix. */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped !== null) return mapped[1] as string;
  if (!isIPv6(address)) return address;
  return `${expandIPv6(address).slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address, without the zone (`%eth0`) and with `::` filled in. */
function expandIPv6(address: string): string[] {
  const [head = '', tail] = (address.split('%')[0] as string).split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = Array.from({ length: 8 - left.length - right.length }, () => '0');
  return [...left, ...zeros, ...right].map((group) => group.toLowerCase().replace(/^0+(?=.)/, ''));
}
