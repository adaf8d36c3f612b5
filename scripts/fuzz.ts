/**
 * `npm run test:fuzz`: the long fuzzing run (default 100,000 frames) over both transports against a real
 * server process. Usage:
 *   tsx scripts/fuzz.ts [seed] [frames]
 * The seed (random unless given) is printed first, so that a failing run can be repeated; the counts of
 * frames by kind and of answers by code are printed at the end. Exits 1 on any problem.
 */
import { randomInt } from 'node:crypto';
import { runCampaign } from '../test/fuzz/campaign.js';
import { killSpawnedServers, removeTempDirs } from '../test/helpers/index.js';

/** The longest wait a well-behaved player may see while the fuzzer runs (as in the short run). */
const MAX_WAIT_MS = 1_000;

const [seedArg, framesArg] = process.argv.slice(2);
const seed = seedArg === undefined ? randomInt(2 ** 31) : Number(seedArg);
const frames = framesArg === undefined ? 100_000 : Number(framesArg);
if (!Number.isInteger(seed) || !Number.isInteger(frames) || frames < 1) {
  process.stderr.write('usage: tsx scripts/fuzz.ts [seed] [frames]\n');
  process.exit(2);
}
process.stdout.write(`fuzz seed ${seed}, ${frames} frames\n`);
try {
  const result = await runCampaign({ seed, frames, log: (line) => process.stdout.write(`  ${line}\n`) });
  const { report } = result;
  process.stdout.write(
    `${JSON.stringify({ ...result, report: { ...report, problems: report.problems.slice(0, 50) } }, null, 2)}\n`,
  );
  const failures = [
    ...report.problems,
    ...Object.entries(result.unchanged).flatMap(([what, same]) => (same ? [] : [`${what} changed`])),
    ...(result.alive && result.exit.code === 0 ? [] : ['the server did not survive or did not exit cleanly']),
    ...(result.wellBehaved.failed === 0
      ? []
      : [`${result.wellBehaved.failed} of the well-behaved pings failed`]),
    ...(result.wellBehaved.maxWaitMs < MAX_WAIT_MS
      ? []
      : [`a well-behaved ping waited ${result.wellBehaved.maxWaitMs} ms`]),
  ];
  if (failures.length > 0)
    throw new Error(`${failures.length} problems (seed ${seed}):\n${failures.slice(0, 50).join('\n')}`);
  process.stdout.write(`fuzz passed: ${report.frames} frames in ${result.seconds} s (seed ${seed})\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await killSpawnedServers();
  removeTempDirs();
}
