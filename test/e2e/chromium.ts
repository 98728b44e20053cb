/** Debian's Chromium (`command -v chromium`) through playwright-core: never `npx playwright install`. */
import { execFileSync } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  // WebGL through SwiftShader (software): without it Chromium >= 137 refuses WebGL when the GPU is off.
  '--enable-unsafe-swiftshader',
];

/** Path of Debian's Chromium (`command -v chromium`). */
export function chromiumPath(): string {
  return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
}
