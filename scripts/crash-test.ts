/**
 * `npm run test:crash`: the crash test with many cycles (default 20). Usage:
 *   tsx scripts/crash-test.ts [seed] [cycles]
 * The seed (random unless given) is printed first, so that a failing run can be repeated.
 */
import { randomInt } from 'node:crypto';
import { runCrashCycles } from '../test/durability/crash.js';

const [seedArg, cyclesArg] = process.argv.slice(2);
const seed = seedArg === undefined ? randomInt(2 ** 31) : Number(seedArg);
const cycles = cyclesArg === undefined ? 20 : Number(cyclesArg);
if (!Number.isInteger(seed) || !Number.isInteger(cycles) || cycles < 1) {
  process.stderr.write('usage: tsx scripts/crash-test.ts [seed] [cycles]\n');
  process.exit(2);
}
process.stdout.write(`crash test seed ${seed}, ${cycles} cycles\n`);
const started = Date.now();
try {
  const report = await runCrashCycles({
    cycles,
    seed,
    keepDataOnFailure: true,
    log: (line) => process.stdout.write(`  ${line}\n`),
  });
  process.stdout.write(`${JSON.stringify(report)}\n`);
  process.stdout.write(
    `crash test passed in ${Math.round((Date.now() - started) / 1000)} s (seed ${seed})\n`,
  );
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
