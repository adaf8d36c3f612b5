import {
  base64Length,
  MAX_PERIOD_PICTURES,
  MAX_PLAYER_PICTURE_BYTES_PER_DAY,
  mib,
  THUMBNAIL_PAGE_BUDGET,
  type PictureTarget,
} from '../../protocol/pictures.js';
import { mayActAs } from '../game/teams.js';
import type { PeriodRecord, TeamRecord } from '../game/types.js';
import {
  fail,
  notFound,
  ok,
  type Actor,
  type Handler,
  type HandlerContext,
  type Outcome,
} from '../handler.js';
import {
  blobKey,
  mayReadPicture,
  pictureView,
  type PictureRecord,
  type PictureVariant,
} from '../pictures/records.js';
import type { PlayerRecord } from '../state.js';
import type { Tx } from '../tx.js';
import { playerViewIn } from '../views.js';
import { broadcastTeam } from './game/teams.js';
import { announceInSession } from './session-announce.js';

/**
 * Pictures (PICTURE-1 to PICTURE-7). An upload is checked here, then decoded and re-encoded by a background
 * job beside the engine, which also writes the bytes to the store; its result comes back as
 * `picture.processed` with the metadata only, which is stored in the state and answers the uploader.
 * Reads of the bytes are jobs too: the engine checks who may see what, the job reads the blob store.
 */

/** Job kinds the runtime runs for pictures (src/runtime/picture-jobs.ts). */
export const PICTURE_JOB = 'picture';
export const PICTURE_READ_JOB = 'picture.read';

/** Where a picture job finds the uploaded file. */
export type PictureSource =
  /** The file itself, base64 (`picture.upload` over the protocol). */
  | { readonly kind: 'data'; readonly data: string }
  /** An HTTP upload's file in the uploads folder, by name (`picture.received`, PICTURE-7). */
  | { readonly kind: 'upload'; readonly upload: string };

/** The input of a `picture` job. */
export interface PictureJobInput {
  readonly target: PictureTarget;
  readonly uploadedBy: number | null;
  readonly source: PictureSource;
}

/** The input of a `picture.read` job: which blobs to read and how to answer. */
export type PictureReadJobInput =
  | {
      readonly kind: 'page';
      readonly pictures: readonly (ReturnType<typeof pictureView> & { readonly key: string })[];
      readonly rest: readonly number[];
      readonly missing: readonly number[];
    }
  | {
      readonly kind: 'chunk';
      readonly id: number;
      readonly variant: PictureVariant;
      readonly key: string;
      readonly mime: string;
      readonly total: number;
      readonly offset: number;
      readonly length: number;
    };

export const pictureUpload: Handler<'picture.upload'> = (command, ctx) =>
  startPictureJob(ctx, command.target, { kind: 'data', data: command.data });

/** An HTTP upload, run as the uploader the HTTP side authenticated (PICTURE-7). */
export const pictureReceived: Handler<'picture.received'> = (command, ctx) => {
  const uploader: Actor =
    command.uploadedBy === null ? { kind: 'admin' } : { kind: 'player', player: command.uploadedBy };
  return startPictureJob({ ...ctx, actor: uploader }, command.target, {
    kind: 'upload',
    upload: command.upload,
  });
};

/** Checks that the actor may upload for the target (PICTURE-1), then hands the file to a picture job. */
function startPictureJob(ctx: HandlerContext, target: PictureTarget, source: PictureSource): Outcome<never> {
  const resolved = resolveTarget(ctx, target, true);
  if ('ok' in resolved) return resolved;
  const uploadedBy = ctx.actor.kind === 'player' ? ctx.actor.player : null;
  const limited = overLimit(ctx, resolved, uploadedBy);
  if (limited) return limited;
  const input: PictureJobInput = { target, uploadedBy, source };
  ctx.startJob({ kind: PICTURE_JOB, input });
  return { ok: 'deferred' };
}

export const pictureProcessed: Handler<'picture.processed'> = (command, ctx) => {
  const { result } = command;
  if (!result.ok) return fail(result.code, result.message, result.details);
  // The target is looked up again: it may have gone while the job ran, or filled up (PICTURE-10).
  const target = resolveTarget(ctx, command.target, false);
  if ('ok' in target) return target;
  const limited = overLimit(ctx, target, command.uploadedBy);
  if (limited) return limited;
  const { tx, now } = ctx;
  // A profile picture belongs to its player, in the global part; a team's or a proof to the team's session.
  const id = tx.newIdIn('picture', target.kind === 'player' ? null : target.team.session);
  const { full, thumb } = result;
  const record: PictureRecord = {
    id,
    kind: target.kind,
    owner: target.kind === 'player' ? target.player.id : target.team.id,
    period: target.kind === 'proof' ? target.period : null,
    session: target.kind === 'player' ? target.player.session : target.team.session,
    ...full,
    thumb,
    uploadedBy: command.uploadedBy,
    createdAt: now,
  };
  tx.put('picture', record);
  if (target.kind === 'player') {
    const player = tx.put('player', { ...target.player, picture: id });
    const event = { type: 'player.changed', player: playerViewIn(tx, player) } as const;
    tx.broadcast({ session: null, audience: 'admins', event });
    if (player.session !== null) announceInSession(ctx, player.session, event);
  } else if (target.kind === 'team') {
    broadcastTeam(ctx, tx.put('team', { ...target.team, picture: id }));
  } else {
    attachProof(ctx, target.team, target.period, id);
  }
  return ok(pictureView(record));
};

export const pictureGet: Handler<'picture.get'> = (command, ctx) => {
  const chosen: (ReturnType<typeof pictureView> & { key: string })[] = [];
  const rest: number[] = [];
  const missing: number[] = [];
  let budget = THUMBNAIL_PAGE_BUDGET;
  for (const id of command.ids) {
    const picture = visiblePicture(ctx, id);
    if (picture === undefined) {
      missing.push(id);
      continue;
    }
    // In request order, as many as fit in one frame (always at least one).
    const cost = base64Length(picture.thumb.bytes) + METADATA_COST;
    if (rest.length > 0 || (chosen.length > 0 && cost > budget)) {
      rest.push(id);
      continue;
    }
    budget -= cost;
    chosen.push({ ...pictureView(picture), key: blobKey(picture.thumb) });
  }
  if (chosen.length === 0) return ok({ pictures: [], rest, missing });
  const input: PictureReadJobInput = { kind: 'page', pictures: chosen, rest, missing };
  ctx.startJob({ kind: PICTURE_READ_JOB, input });
  return { ok: 'deferred' };
};

export const pictureChunk: Handler<'picture.chunk'> = (command, ctx) => {
  const picture = visiblePicture(ctx, command.id);
  if (picture === undefined) return notFound('picture', command.id);
  const image = command.variant === 'full' ? picture : picture.thumb;
  if (command.offset >= image.bytes) {
    return ok({
      id: picture.id,
      variant: command.variant,
      mime: image.mime,
      total: image.bytes,
      offset: command.offset,
      data: '',
    });
  }
  const input: PictureReadJobInput = {
    kind: 'chunk',
    id: picture.id,
    variant: command.variant,
    key: blobKey(image),
    mime: image.mime,
    total: image.bytes,
    offset: command.offset,
    length: Math.min(command.length, image.bytes - command.offset),
  };
  ctx.startJob({ kind: PICTURE_READ_JOB, input });
  return { ok: 'deferred' };
};

export const pictureRead: Handler<'picture.read'> = (command) => {
  const { result } = command;
  if (result.kind === 'missing')
    return fail('INTERNAL', `The bytes of picture ${result.id} are missing from the store.`);
  return ok(result.kind === 'page' ? result.page : result.chunk);
};

/** Room for one picture's metadata in a `picture.get` response (JSON of a `pictureSchema`). */
const METADATA_COST = 1024;

type ResolvedTarget =
  | { readonly kind: 'player'; readonly player: PlayerRecord }
  | { readonly kind: 'team'; readonly team: TeamRecord }
  | { readonly kind: 'proof'; readonly team: TeamRecord; readonly period: number };

/** Finds what a picture is for; with `authorise`, also checks the uploader may act for it (PICTURE-1). */
function resolveTarget(
  ctx: HandlerContext,
  target: PictureTarget,
  authorise: boolean,
): ResolvedTarget | Outcome<never> {
  const { tx, actor } = ctx;
  if (target.kind === 'player') {
    const player = tx.get('player', target.player);
    if (player === undefined || player.removed) return notFound('player', target.player);
    if (authorise && actor.kind === 'player' && actor.player !== player.id)
      return fail('UNAUTHORISED', 'A player may only upload their own profile picture.');
    return { kind: 'player', player };
  }
  const team = tx.get('team', target.team);
  if (team === undefined) return notFound('team', target.team);
  const refused = authorise ? mayActAs(ctx, team) : undefined;
  if (refused) return refused;
  if (target.kind === 'team') return { kind: 'team', team };
  if (team.periods[target.period] === undefined)
    return fail('NOT_FOUND', `Team ${team.id} has no period ${target.period}.`, {
      entity: 'period',
      id: target.period,
    });
  return { kind: 'proof', team, period: target.period };
}

const DAY_MS = 24 * 3_600_000;

/**
 * PICTURE-10, checked when an upload starts and again when its picture is recorded: a period that has as
 * many pictures as it may, or an uploading player whose pictures of the last 24 hours already take as
 * much of the store as a player's may (game masters have no such limit), refuses the picture.
 */
function overLimit(
  ctx: HandlerContext,
  target: ResolvedTarget,
  uploadedBy: number | null,
): Outcome<never> | undefined {
  if (target.kind === 'proof' && periodFull(target.team, target.period))
    return fail(
      'PICTURE_LIMIT',
      `Period ${target.period} of team ${target.team.id} already has ${MAX_PERIOD_PICTURES} pictures, ` +
        'as many as a period may have.',
      { limit: 'period', max: MAX_PERIOD_PICTURES },
    );
  if (uploadedBy === null) return undefined;
  const since = ctx.now - DAY_MS;
  let usedBytes = 0;
  for (const picture of ctx.tx.all('picture'))
    if (picture.uploadedBy === uploadedBy && picture.createdAt > since)
      usedBytes += picture.bytes + picture.thumb.bytes;
  if (usedBytes < MAX_PLAYER_PICTURE_BYTES_PER_DAY) return undefined;
  return fail(
    'PICTURE_LIMIT',
    `The pictures player ${uploadedBy} uploaded in the last 24 hours take ${mib(usedBytes)} MiB, ` +
      `as much as a player's may (${mib(MAX_PLAYER_PICTURE_BYTES_PER_DAY)} MiB).`,
    { limit: 'player', usedBytes, maxBytes: MAX_PLAYER_PICTURE_BYTES_PER_DAY },
  );
}

const periodFull = (team: TeamRecord, index: number): boolean =>
  (team.periods[index]?.pictures.length ?? 0) >= MAX_PERIOD_PICTURES;

function visiblePicture(ctx: HandlerContext, id: number): PictureRecord | undefined {
  const picture = ctx.tx.get('picture', id);
  return picture !== undefined && mayReadPicture(ctx.tx.base, ctx.actor, picture) ? picture : undefined;
}

/**
 * Attaches a proof picture to a team's period and, for a catch, to the other team's linked period
 * (PERIOD-3, PICTURE-5), so that it shows on both. A link to a team that is gone is skipped.
 */
function attachProof(ctx: HandlerContext, team: TeamRecord, index: number, picture: number): void {
  const updated = appendToPeriod(ctx.tx, team, index, picture);
  broadcastTeam(ctx, updated);
  const context = team.periods[index]?.context;
  const link =
    context?.type === 'caught'
      ? { team: context.catcherTeam, period: context.catcherPeriod }
      : context?.type === 'catcher'
        ? { team: context.caughtTeam, period: context.caughtPeriod }
        : undefined;
  if (link === undefined || link.team === team.id) return;
  const other = ctx.tx.get('team', link.team);
  if (other?.periods[link.period] === undefined) return;
  broadcastTeam(ctx, appendToPeriod(ctx.tx, other, link.period, picture));
}

/**
 * Adds a picture id to a team's period. Between games a team's periods are those of the session's last
 * past game, so a late upload (after the stop) is added to that archive's copy of the period too.
 */
function appendToPeriod(tx: Tx, team: TeamRecord, index: number, picture: number): TeamRecord {
  const add = (periods: readonly PeriodRecord[]): PeriodRecord[] =>
    periods.map((p, i) => (i === index ? { ...p, pictures: [...p.pictures, picture] } : p));
  const updated = tx.put('team', { ...team, periods: add(team.periods) });
  if (tx.get('session', team.session)?.game === null) {
    const past = tx
      .all('pastGame')
      .filter((g) => g.session === team.session)
      .at(-1);
    const archived = past?.teams.some((t) => t.id === team.id && t.periods.length === team.periods.length);
    if (past !== undefined && archived === true) {
      const teams = past.teams.map((t) =>
        t.id === team.id && t.periods.length === team.periods.length ? { ...t, periods: add(t.periods) } : t,
      );
      tx.put('pastGame', { ...past, teams });
    }
  }
  return updated;
}
