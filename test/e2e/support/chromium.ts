import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium: the browser the player-app tests drive (no browser download). */
export const CHROMIUM = '/usr/bin/chromium';
const INSTALL = 'apt-get install -y chromium';

/**
 * Launches headless Chromium. When it is missing it is installed if this process may (root), else the test
 * fails with the command to run: these tests never skip.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM) && process.getuid?.() === 0) {
    execFileSync('sh', ['-c', `apt-get update && ${INSTALL}`], { stdio: 'inherit' });
  }
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium is missing at ${CHROMIUM}: run \`sudo ${INSTALL}\` and run the tests again.`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
