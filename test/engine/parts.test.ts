import { beforeAll, describe, expect, it } from 'vitest';
import {
  crossings,
  GLOBAL,
  partKey,
  partOfStep,
  partsOfWrites,
  sessionPart,
  type Part,
  type StepPart,
} from '../../src/engine/parts.js';
import { SESSION_ID_TABLES, type EngineState, type Write } from '../../src/engine/state.js';
import type { StepInput, StepResult } from '../../src/engine/step.js';
import { COMMAND_DEFS } from '../../src/protocol/commands/index.js';
import type { PictureTarget } from '../../src/protocol/pictures.js';
import { RUNTIME_COMMAND_TYPES } from '../../src/protocol/commands/oversight.js';
import { StepDriver } from '../game/support/drivers.js';
import { DAY_START, zurich } from '../game/support/game-day.js';
import { demoCatalogueState, setUpSession, type SessionSetup } from '../game/support/setup.js';
import { found } from '../helpers/index.js';
import { playCorpus } from './support/parts-corpus.js';

/** What the steps of a run did, by command: which ran (accepted), which wrote outside their part. */
class Census {
  readonly ran = new Set<string>();
  /** Steps that wrote or broadcast outside their part. */
  readonly crossed: string[] = [];
  /** Steps that wrote a record (not a broadcast) of another part, listed or not. */
  readonly wroteOutside: string[] = [];

  /** Session steps that moved a shared counter of a session-owned table in the per-session space. */
  readonly sharedSessionCounters: string[] = [];
  /** The session counters (`table:session`) the steps moved on. */
  readonly sessionCounters = new Set<string>();

  /** Counts one step, before its writes are applied to `before` (the driver's `onStep`). */
  readonly see = (input: StepInput, result: StepResult, before: EngineState): void => {
    if (result.outcome.ok === false) return;
    const { step, outside } = crossings(input, result.writes, before, result.broadcasts);
    const wrote = crossings(input, result.writes, before).outside;
    if (wrote.length > 0) this.wroteOutside.push(`${step.command} wrote ${wrote.map(partKey).join(', ')}`);
    this.seeCounters(step, result.writes, before);
    this.ran.add(input.command.type);
    // A due timer runs its command inside its own step: that command ran too, when it was accepted.
    const fired = input.command.type === 'timer.fire' && result.outcome.ok === true;
    if (fired && (result.outcome.result as { fired: boolean }).fired) this.ran.add(step.command);
    if (outside.length > 0)
      this.crossed.push(`${step.command} in ${partKey(step.part)} wrote ${outside.map(partKey).join(', ')}`);
  };

  private seeCounters(step: StepPart, writes: readonly Write[], before: EngineState): void {
    for (const w of writes) {
      if (w.op !== 'nextId') continue;
      if (w.session !== undefined) this.sessionCounters.add(`${w.table}:${w.session}`);
      else if (
        before.idSpace === 'per-session' &&
        step.part.kind === 'session' &&
        SESSION_TABLES.has(w.table)
      )
        this.sharedSessionCounters.push(`${step.command} moved the shared ${w.table} counter`);
    }
  }
}

/** The tables whose records a session owns and numbers in the per-session space (CLUSTER-16). */
const SESSION_TABLES: ReadonlySet<string> = new Set(SESSION_ID_TABLES);

/** Makes the driver's state `per-session` (CLUSTER-16), as a cluster's first owner does before it serves. */
function partitionIds(driver: StepDriver): void {
  const result = driver.run({ type: 'ids.partition' }, undefined, { kind: 'system' });
  if (result.outcome.ok !== true) throw new Error('ids.partition was refused');
}

describe.each(['shared', 'per-session'] as const)(
  '[CLUSTER-11] every step writes inside one part (%s ids)',
  (space) => {
    const census = new Census();

    beforeAll(async () => {
      const driver = new StepDriver(DAY_START, 20261205);
      driver.onStep = census.see;
      if (space === 'per-session') partitionIds(driver);
      await playCorpus(driver);
      // The switch runs in both spaces: in the shared one at the end, once the corpus ran with shared ids.
      if (space === 'shared') partitionIds(driver);
    });

    it('[CLUSTER-11] the corpus runs every command of the protocol that the engine answers', () => {
      const engineCommands = COMMAND_DEFS.map((def) => def.type).filter(
        (type) => !(RUNTIME_COMMAND_TYPES as readonly string[]).includes(type),
      );
      expect(engineCommands.filter((type) => !census.ran.has(type))).toEqual([]);
    });

    it('[CLUSTER-11] each step of the corpus writes and broadcasts only in its own part', () => {
      expect(census.crossed).toEqual([]);
    });

    it('[CLUSTER-17] no step of the corpus writes a record of another part', () => {
      expect(census.wroteOutside).toEqual([]);
    });

    it.runIf(space === 'per-session')(
      '[CLUSTER-16] no session step moves a shared counter of a table whose records a session owns',
      () => {
        expect(census.sharedSessionCounters).toEqual([]);
        expect(census.sessionCounters.size).toBeGreaterThan(0);
      },
    );
  },
);

describe('[CLUSTER-11] the part model', () => {
  let d: StepDriver;
  let s: SessionSetup;

  beforeAll(async () => {
    d = new StepDriver(zurich(9, 30), 3, await demoCatalogueState());
    s = await setUpSession(d, { teams: 2, perTeam: 1, config: { numCatchers: 1 } });
  });

  const session = (): number => s.session;
  const team = (i: number) => found(d.state().tables.team.get(found(s.teams[i], `team ${i}`)), `team ${i}`);
  const parts = (writes: Write[]): string[] => partsOfWrites(writes, d.state()).map(partKey).sort();

  it('[CLUSTER-11] a step that writes outside its part is found', () => {
    // A session command that (by a bug) edits a catalogue record.
    const zone = found([...d.state().tables.zone.values()][0], 'a zone');
    const writes: Write[] = [
      { op: 'put', table: 'zone', id: zone.id, doc: { ...zone, mongus: !zone.mongus } },
    ];
    const input: StepInput = { command: { type: 'team.list' }, actor: { kind: 'admin' }, session: session() };
    expect(crossings(input, writes, d.state())).toEqual({
      step: { part: sessionPart(session()), command: 'team.list' },
      outside: [GLOBAL],
    });
    const census = new Census();
    census.see(input, { ...stepResult(), writes }, d.state());
    expect(census.crossed).toEqual([`team.list in session:${session()} wrote global`]);
  });

  it('[CLUSTER-11] game records are their session’s, a track point by its team, player and catalogue records global', () => {
    const t = team(0);
    const point = { id: 900, team: t.id, lat: 47.37, lon: 8.54, timestamp: d.now() };
    expect(parts([{ op: 'put', table: 'team', id: t.id, doc: { ...t, points: 1 } }])).toEqual([
      `session:${session()}`,
    ]);
    expect(parts([{ op: 'put', table: 'trackPoint', id: point.id, doc: point }])).toEqual([
      `session:${session()}`,
    ]);
    const player = found(d.state().tables.player.get(found(s.players[0], 'a player')), 'the player');
    expect(parts([{ op: 'put', table: 'player', id: player.id, doc: { ...player, phone: '079' } }])).toEqual([
      'global',
    ]);
    expect(parts([{ op: 'delete', table: 'challenge', id: 1 }])).toEqual(['global']);
  });

  it('[CLUSTER-11] a new id adds no part of its own: the record made with it names the part', () => {
    const next = d.state().nextIds.trackPoint;
    const point = { id: next, team: team(1).id, lat: 47.37, lon: 8.54, timestamp: d.now() };
    expect(
      parts([
        { op: 'nextId', table: 'trackPoint', next: next + 1 },
        { op: 'put', table: 'trackPoint', id: next, doc: point },
      ]),
    ).toEqual([`session:${session()}`]);
    expect(partsOfWrites([{ op: 'nextId', table: 'trackPoint', next: next + 1 }], d.state())).toEqual([]);
  });

  it('[CLUSTER-11] a session record: its game fields are its part, its name the global part, its creation global', () => {
    const record = found(d.state().tables.session.get(session()), 'the session');
    const put = (doc: typeof record): Write[] => [{ op: 'put', table: 'session', id: doc.id, doc }];
    expect(parts(put({ ...record, config: { numCatchers: 2 } }))).toEqual([`session:${session()}`]);
    expect(parts(put({ ...record, clockPausedAt: d.now() }))).toEqual([`session:${session()}`]);
    expect(parts(put({ ...record, name: 'Anders' }))).toEqual(['global']);
    expect(parts(put({ ...record, name: 'Anders', gamesPlayed: 4 }))).toEqual([
      'global',
      `session:${session()}`,
    ]);
    expect(parts(put({ ...record, id: 999 }))).toEqual(['global']);
    expect(parts([{ op: 'delete', table: 'session', id: record.id }])).toEqual([
      'global',
      `session:${session()}`,
    ]);
  });

  it('[CLUSTER-11] timers and pictures: a session’s timer or team picture is its part; others are global', () => {
    const timer = { id: 901, dueAt: d.now(), pausedRemainingMs: null } as const;
    const ends: Write = {
      op: 'put',
      table: 'timer',
      id: timer.id,
      doc: { ...timer, session: session(), command: { type: 'game.end', game: 1 } },
    };
    const expires: Write = {
      op: 'put',
      table: 'timer',
      id: timer.id,
      doc: { ...timer, session: null, command: { type: 'privacy.expire', pastGame: 1 } },
    };
    expect(parts([ends])).toEqual([`session:${session()}`]);
    expect(parts([expires])).toEqual(['global']);
    const image = { width: 1, height: 1, bytes: 1, mime: 'image/jpeg', sha256: '0'.repeat(64) };
    const picture = {
      id: 902,
      ...image,
      thumb: image,
      period: null,
      session: session(),
      uploadedBy: null,
      createdAt: d.now(),
    };
    const teamPicture = { ...picture, kind: 'team', owner: team(0).id } as const;
    const profile = { ...picture, kind: 'player', owner: found(s.players[0], 'a player') } as const;
    expect(parts([{ op: 'put', table: 'picture', id: picture.id, doc: teamPicture }])).toEqual([
      `session:${session()}`,
    ]);
    expect(parts([{ op: 'put', table: 'picture', id: picture.id, doc: profile }])).toEqual(['global']);
  });

  it('[CLUSTER-11] a step runs in the session it names, a global command in the global part, a due timer in its own', () => {
    const asAdmin = { actor: { kind: 'admin' }, session: undefined } as const;
    expect(partOfStep({ ...asAdmin, command: { type: 'game.start' }, session: 7 }, d.state())).toEqual({
      part: sessionPart(7),
      command: 'game.start',
    });
    expect(partOfStep({ ...asAdmin, command: { type: 'player.list' } }, d.state())).toEqual({
      part: GLOBAL,
      command: 'player.list',
    });
    d.run({ type: 'announcement.schedule', text: 'Bald', at: d.now() + 60_000 }, session());
    const armed = found(
      [...d.state().tables.timer.values()].find((t) => t.command.type === 'announcement.deliver'),
      'the announcement timer',
    );
    const fire = { command: { type: 'timer.fire', timer: armed.id }, actor: { kind: 'system' } } as const;
    expect(partOfStep({ ...fire, session: undefined }, d.state())).toEqual({
      part: sessionPart(session()),
      command: 'announcement.deliver',
    });
  });
});

describe('[CLUSTER-15] two commands run in the part they write', () => {
  let d: StepDriver;
  let s: SessionSetup;

  beforeAll(async () => {
    d = new StepDriver(zurich(9, 30), 4, await demoCatalogueState());
    s = await setUpSession(d, { teams: 1, perTeam: 1, config: { numCatchers: 1 } });
  });

  it('[CLUSTER-22] a player’s ping with a text runs in the player’s session, whose stream it is announced on', () => {
    const player = found(s.players[0], 'a player');
    const { ok, crossed } = crossingsOf({
      command: { type: 'ping', text: 'hallo' },
      actor: { kind: 'player', player },
      session: undefined,
    });
    expect(ok).toBe(true);
    expect(crossed).toMatchObject({ step: { part: sessionPart(s.session) }, outside: [] });
  });

  /** Runs a step; what `crossings` says of it, computed on the state before its writes. */
  const crossingsOf = (input: StepInput): { ok: boolean; crossed: ReturnType<typeof crossings> } => {
    let seen: ReturnType<typeof crossings> | undefined;
    d.onStep = (stepped, result, before) => {
      if (stepped === input) seen = crossings(stepped, result.writes, before);
    };
    const result = d.exec(input);
    d.onStep = undefined;
    return { ok: result.outcome.ok === true, crossed: found(seen, 'the step') };
  };

  it('[CLUSTER-15] session.edit runs in the global part and writes only the session’s entry there', () => {
    const { ok, crossed } = crossingsOf({
      command: { type: 'session.edit', name: 'Anderswo', mode: 'Traditional' },
      actor: { kind: 'admin' },
      session: s.session,
    });
    expect(ok).toBe(true);
    expect(crossed).toEqual({ step: { part: GLOBAL, command: 'session.edit' }, outside: [] });
  });

  it('[CLUSTER-15] picture.processed runs in the part of the picture it records', () => {
    const team = found(s.teams[0], 'a team');
    const player = found(s.players[0], 'a player');
    const image = { width: 4, height: 4, bytes: 64, mime: 'image/jpeg', sha256: '1'.repeat(64) };
    const result = { ok: true, full: image, thumb: image } as const;
    const cases: [PictureTarget, Part, boolean][] = [
      [{ kind: 'player', player }, GLOBAL, true],
      [{ kind: 'team', team }, sessionPart(s.session), true],
      // A team gone while the job ran: refused, nothing written.
      [{ kind: 'team', team: 999_999 }, GLOBAL, false],
    ];
    for (const [target, part, accepted] of cases) {
      const { ok, crossed } = crossingsOf({
        command: { type: 'picture.processed', target, uploadedBy: null, result },
        actor: { kind: 'system' },
        session: undefined,
      });
      expect({ ok, part: crossed.step.part, outside: crossed.outside }).toEqual({
        ok: accepted,
        part,
        outside: [],
      });
    }
  });
});

describe('[CLUSTER-17] erasure is one step per part', () => {
  let d: StepDriver;
  let s: SessionSetup;

  beforeAll(async () => {
    d = new StepDriver(zurich(9, 30), 5, await demoCatalogueState());
    s = await setUpSession(d, { teams: 1, perTeam: 1, config: { numCatchers: 1 } });
  });

  /** Runs a step: its result, and where it ran and what it wrote outside its part. */
  const stepOf = (command: StepInput['command'], session?: number) => {
    const input: StepInput = {
      command,
      actor: command.type === 'picture.processed' ? { kind: 'system' } : { kind: 'admin' },
      session,
    };
    let seen: ReturnType<typeof crossings> | undefined;
    d.onStep = (stepped, result, before) => {
      if (stepped === input) seen = crossings(stepped, result.writes, before);
    };
    const result = d.exec(input);
    d.onStep = undefined;
    return { result, crossed: found(seen, command.type) };
  };

  it('[CLUSTER-17] off the team, forgotten in the session, then erased: each step writes only its own part; the refusals change nothing', () => {
    const player = found(s.players[0], 'a player');
    const team = found(s.teams[0], 'a team');
    const image = { width: 4, height: 4, bytes: 64, mime: 'image/jpeg', sha256: '2'.repeat(64) };
    const result = { ok: true, full: image, thumb: image } as const;
    // A team picture the player uploaded: the session's part holds something of them.
    const upload = stepOf({
      type: 'picture.processed',
      target: { kind: 'team', team },
      uploadedBy: player,
      result,
    });
    expect(upload.result.outcome.ok).toBe(true);

    const unchanged = (step: ReturnType<typeof stepOf>, code: string) => {
      expect(step.result.outcome).toMatchObject({ ok: false, error: { code } });
      expect([step.result.writes, step.result.broadcasts, step.result.redactions]).toEqual([
        [],
        [],
        undefined,
      ]);
    };
    unchanged(stepOf({ type: 'player.erase', id: player }), 'PLAYER_ON_TEAM');
    unchanged(stepOf({ type: 'player.forget', player }, s.session), 'PLAYER_ON_TEAM');
    const off = stepOf({ type: 'team.assign', player, team: null }, s.session);
    expect(off.crossed.outside).toEqual([]);
    const refused = stepOf({ type: 'player.erase', id: player });
    unchanged(refused, 'ERASE_SESSIONS_FIRST');
    expect(refused.result.outcome).toMatchObject({ error: { details: { sessions: [s.session] } } });

    const forget = stepOf({ type: 'player.forget', player }, s.session);
    expect(forget.result.outcome).toMatchObject({ ok: true, result: { pictures: 1 } });
    expect(forget.crossed).toMatchObject({ step: { part: sessionPart(s.session) }, outside: [] });
    expect(forget.result.redactions).toEqual([
      expect.objectContaining({ kind: 'player', player, session: s.session }),
    ]);
    const erase = stepOf({ type: 'player.erase', id: player });
    expect(erase.result.outcome.ok).toBe(true);
    expect(erase.crossed).toMatchObject({ step: { part: GLOBAL }, outside: [] });
    expect(erase.result.redactions).toEqual([
      expect.objectContaining({ kind: 'player', player, session: null }),
    ]);
  });
});

/** An accepted step's result with nothing in it (the writes are added by the test). */
const stepResult = (): StepResult => ({
  outcome: { ok: true, result: null },
  writes: [],
  broadcasts: [],
  jobs: [],
  shutdown: false,
  reads: new Set(),
});
