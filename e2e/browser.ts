/** Headless Chromium for end-to-end tests and screenshots: the machine's own browser, driven by playwright-core. */
import { type Browser, chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs';

export async function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('Chromium not found: install it (apt-get install chromium) or set CHROME_PATH');
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}
