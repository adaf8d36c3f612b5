import { findSector, findZone } from '../catalogue/live.js';
import { CliError } from '../connection.js';
import type { CliContext } from '../program.js';
import { lookUp, show, withSession, type Names } from './call.js';
import { teamRow } from './render.js';
import type { Team } from './resolve.js';

/**
 * Game-master corrections (CORRECTION-1) in the --session session, each journaled and announced with its
 * reason: `undo`, `adjust`, `grace end`, `hand`, `move`. Teams by name, id or a player's name.
 */
export function registerCorrectionCommands({ program, globals, int }: CliContext): void {
  const summary = (teams: readonly Team[], names: Names): Record<string, unknown>[] =>
    teams.map((t) => teamRow(t, names));

  program
    .command('undo <team>')
    .description("undo a team's last catch or completion (both teams of a catch are restored)")
    .option('--reason <reason>', 'why (announced to the session)')
    .action((ref: string, o: { reason?: string }) =>
      withSession(globals(), async (call) => {
        const team = await call.team(ref);
        const [result, names] = await Promise.all([
          call.request({ type: 'correction.undo', team: team.id, ...reason(o.reason) }),
          call.names(),
        ]);
        show(globals(), result, () => summary(result.teams, names));
      }),
    );

  program
    .command('adjust <team>')
    .description(
      "add to or take from a team's points and bounty, e.g. `adjust Alpha --points -50 --reason …`",
    )
    .option('--points <n>', 'points to add (negative to take)', int)
    .option('--bounty <n>', 'bounty to add (negative to take)', int)
    .requiredOption('--reason <reason>', 'why (announced to the session)')
    .action((ref: string, o: { points?: number; bounty?: number; reason: string }) => {
      if (o.points === undefined && o.bounty === undefined)
        throw new CliError('INVALID', 'Give --points, --bounty or both.');
      return withSession(globals(), async (call) => {
        const team = await call.team(ref);
        const [adjusted, names] = await Promise.all([
          call.request({
            type: 'correction.adjust',
            team: team.id,
            reason: o.reason,
            ...(o.points === undefined ? {} : { points: o.points }),
            ...(o.bounty === undefined ? {} : { bounty: o.bounty }),
          }),
          call.names(),
        ]);
        show(globals(), adjusted, () => teamRow(adjusted, names));
      });
    });

  program
    .command('grace')
    .description('grace periods')
    .command('end <team>')
    .description("end a team's grace period now")
    .option('--reason <reason>', 'why (announced to the session)')
    .action((ref: string, o: { reason?: string }) =>
      withSession(globals(), async (call) => {
        const team = await call.team(ref);
        const [ended, names] = await Promise.all([
          call.request({ type: 'correction.endGrace', team: team.id, ...reason(o.reason) }),
          call.names(),
        ]);
        show(globals(), ended, () => teamRow(ended, names));
      }),
    );

  program
    .command('hand <team>')
    .description('deal a runner team a new hand')
    .option('--reason <reason>', 'why (announced to the session)')
    .action((ref: string, o: { reason?: string }) =>
      withSession(globals(), async (call) => {
        const team = await call.team(ref);
        const dealt = await call.request({ type: 'correction.newHand', team: team.id, ...reason(o.reason) });
        show(globals(), dealt, () =>
          dealt.offers.map((x, i) => ({
            '#': i + 1,
            challenge: x.challengeId,
            title: x.title,
            points: x.points,
          })),
        );
      }),
    );

  program
    .command('move <team> <zone>')
    .description('put a team in a zone (by its number, e.g. 110) and sector, for generating its hands')
    .option('--sector <letter>', 'the sector (default: none)')
    .option('--reason <reason>', 'why (announced to the session)')
    .action((ref: string, zoneRef: string, o: { sector?: string; reason?: string }) =>
      withSession(globals(), async (call) => {
        const [team, zones, sectors] = await Promise.all([
          call.team(ref),
          call.request({ type: 'zone.list' }),
          call.request({ type: 'sector.list' }),
        ]);
        const zone = lookUp(() => findZone(zones, zoneRef));
        const sector = o.sector === undefined ? null : lookUp(() => findSector(sectors, o.sector ?? '')).id;
        const [moved, names] = await Promise.all([
          call.request({
            type: 'correction.move',
            team: team.id,
            zone: zone.id,
            sector,
            ...reason(o.reason),
          }),
          call.names(),
        ]);
        show(globals(), moved, () => teamRow(moved, names));
      }),
    );
}

const reason = (text: string | undefined): { reason?: string } =>
  text === undefined ? {} : { reason: text };
