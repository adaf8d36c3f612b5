/**
 * A pinger in its own process, for case (f): one raw client pinging (without a text) in a closed loop
 * for a warm-up and a measured window, then reporting its round trips to the parent. It runs apart from
 * the 50 writing clients so that their answers, which the bench process has to read, do not delay the
 * pinger's own reads: the ratio is the server's, not the bench process's.
 * Usage (forked with tsx): pinger-child.ts <url> <token> <warm-up ms> <window ms>
 */
import { RawClient, type Child } from './harness.js';

const [url = '', token = '', warmupArg = '', windowArg = ''] = process.argv.slice(2);
const server = { url, token } as Child;
const pinger = await RawClient.open(server, true, 'bench-pinger');
const measureStart = performance.now() + Number(warmupArg);
const measureEnd = measureStart + Number(windowArg);
const latencies: number[] = [];
for (let i = 0; ; i++) {
  const start = performance.now();
  if (start >= measureEnd) break;
  const id = `p-${String(i).padStart(7, '0')}`;
  await pinger.roundTrip(JSON.stringify({ type: 'request', id, command: { type: 'ping' } }), id);
  const end = performance.now();
  if (start >= measureStart && end <= measureEnd) latencies.push(end - start);
}
pinger.close();
process.send?.({ latencies, seconds: Number(windowArg) / 1_000 }, () => process.exit(0));
