/** Headless Chromium for end-to-end tests and screenshots: the machine's own browser, driven by playwright-core. */
import { type Browser, type Page, chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../scripts/chromium.mjs';

export async function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('Chromium not found: install it (apt-get install chromium) or set CHROME_PATH');
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}

/**
 * Adds to `problems` what must never happen on a demo page: an uncaught error, a console error, a CSP violation, a
 * failed response (with its URL; Chromium's own "Failed to load resource" line is left out for that reason).
 */
export function recordProblems(page: Page, problems: string[]): void {
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (/^Failed to load resource/.test(msg.text())) return;
    if (msg.type() === 'error' || /Content Security Policy/i.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()} ${res.url()}`);
  });
}
