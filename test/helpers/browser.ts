import { accessSync, constants } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Where we look for a browser: PTALOAD_CHROMIUM, then Debian's `chromium` package (what .ci/run installs). */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export function findChromium(): string | undefined {
  const fromEnv = process.env.PTALOAD_CHROMIUM;
  for (const path of fromEnv ? [fromEnv] : CANDIDATES) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not this one
    }
  }
  return undefined;
}

export const NO_CHROMIUM =
  'no Chromium found (set PTALOAD_CHROMIUM or run `apt-get update && apt-get install -y chromium`; CI installs it)';

/** Headless Chromium with everything that could reach the network switched off. The caller closes it. */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
