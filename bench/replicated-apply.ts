/**
 * The loop's cost of a `location.send` on the node that owns its session (stepped: the engine's step, its
 * writes applied, its broadcast sequenced, its journal row) against the cost on a node that follows the
 * session (CLUSTER-18: the part batch read back from its log text and applied: writes, stream position,
 * latest location). No store, no delivery: the in-memory work of one item each. A runner reports every
 * 11 s, 60 m further on, so every report adds a track point.
 *
 * `npx tsx bench/replicated-apply.ts [reports per round] [rounds]`
 */
import { FakeClock } from '../src/runtime/clock.js';
import { applyReplicated } from '../src/runtime/apply-replicated.js';
import { BlobsInFlight } from '../src/runtime/blobs-in-flight.js';
import { LatestLocations } from '../src/runtime/latest-locations.js';
import type { Peer } from '../src/runtime/peer.js';
import { decodeReplicated, encodeReplicated } from '../src/runtime/replicated.js';
import { Replies } from '../src/runtime/replies.js';
import { Stepper } from '../src/runtime/stepper.js';
import { TurnBatch } from '../src/runtime/turn-batch.js';
import { copyState, demoCatalogueState, playerOf, setUpSession } from '../test/game/support/setup.js';
import { StepDriver } from '../test/game/support/drivers.js';
import { zurich } from '../test/game/support/game-day.js';
import { east, fix, HB } from '../test/game/support/world.js';
import { percentile } from './harness.js';

const REPORTS = Number(process.argv[2] ?? 5_000);
const ROUNDS = Number(process.argv[3] ?? 5);

const d = new StepDriver(zurich(9, 0), 7, await demoCatalogueState());
d.run({ type: 'ids.partition' }, undefined, { kind: 'system' });
const s = await setUpSession(d, { teams: 2, perTeam: 1, config: { numCatchers: 1 } });
d.run({ type: 'game.start' }, s.session);
const runner = s.teams.find((t) => d.state().tables.team.get(t)?.role === 'Runner');
if (runner === undefined) throw new Error('no runner');
const actor = playerOf(s, runner);
const peer: Peer = { id: 'phone', actor, session: s.session, send: () => undefined, close: () => undefined };

const clock = new FakeClock(d.now());
const owner = copyState(d.state());
const follower = copyState(d.state());
const stepper = new Stepper(owner, clock, new Replies(() => undefined), new BlobsInFlight());
const targets = {
  state: follower,
  locations: new LatestLocations([]),
  replies: new Replies(() => undefined),
};

/** Steps `count` reports on the owner and applies each on the follower: µs per report, each side. */
function round(
  from: number,
  count: number,
): { stepped: number; decoded: number; applied: number; bytes: number } {
  let stepping = 0;
  let decoding = 0;
  let applying = 0;
  let bytes = 0;
  for (let i = from; i < from + count; i++) {
    clock.advance(11_000);
    const item = {
      source: 'client',
      peer,
      reply: { clientKey: 'player/phone', requestId: String(i) },
      command: { type: 'location.send', location: fix(east(HB, 60 * i), clock.now()) },
      session: s.session,
    } as const;
    const batch = new TurnBatch();
    let began = performance.now();
    stepper.step(item, batch);
    stepping += performance.now() - began;
    const [part] = batch.ownParts();
    if (part === undefined || part.writes.length === 0) throw new Error(`report ${i} wrote nothing`);
    const text = encodeReplicated(part);
    bytes += text.length;
    began = performance.now();
    const replicated = decodeReplicated(text);
    decoding += performance.now() - began;
    began = performance.now();
    applyReplicated(
      { source: 'replica', batch: replicated, done: () => undefined },
      targets,
      new TurnBatch(),
    );
    applying += performance.now() - began;
  }
  const us = (ms: number): number => (ms / count) * 1000;
  return { stepped: us(stepping), decoded: us(decoding), applied: us(applying), bytes: bytes / count };
}

const rounds = Array.from({ length: ROUNDS }, (_, r) => round(1 + r * REPORTS, REPORTS));
const median = (values: number[]): string =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  ).toFixed(2);
console.log(
  `location.send: stepped ${median(rounds.map((r) => r.stepped))} µs; replicated: decoded ` +
    `${median(rounds.map((r) => r.decoded))} µs + applied ${median(rounds.map((r) => r.applied))} µs per report (median of ${ROUNDS} rounds of ${REPORTS}); ` +
    `${Math.round(rounds[0]?.bytes ?? 0)} bytes of log text each; ${follower.tables.trackPoint.size} track points`,
);
