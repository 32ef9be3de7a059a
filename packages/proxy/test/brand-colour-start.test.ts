/**
 * A brand colour that text cannot be read on stops the proxy's start: the real entry point (`src/server.ts`) in a
 * child process, as an operator would run it, exits with EX_CONFIG (78) and a message naming
 * `PAY_LINK_MERCHANT_BRAND_COLOR`, before it opens a store or a port. The rule itself is in `pages/brand-colour.ts`
 * and its cases in `config.test.ts`; here, that the refusal reaches the operator.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { brandColour, contrastRatio } from '../src/pages/brand-colour.ts';

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: PACKAGE_DIR,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: '1',
        RAZORPAY_KEY_ID: 'rzp_test_abc123',
        RAZORPAY_KEY_SECRET: 'a_very_secret_value',
        RAZORPAY_WEBHOOK_SECRET: 'whsec_value_one',
        PAY_LINK_DATABASE_URL: 'sqlite::memory:',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill();
      fail(new Error(`still running after 60 s: ${stderr}`));
    }, 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, stderr });
    });
  });
}

describe('the brand colour at start', () => {
  it('the rule: the better of white and near-black, refused below 4.5:1', () => {
    assert.equal(brandColour('#2f6b3a')?.text, '#ffffff');
    assert.equal(brandColour('#ffcc00')?.text, '#111827');
    assert.equal(brandColour('#808080'), undefined);
    assert.equal(brandColour('nope'), undefined);
    assert.equal(contrastRatio('#ffffff', '#000000').toFixed(1), '21.0');
    assert.equal(contrastRatio('#777777', '#ffffff').toFixed(2), '4.48');
  });

  it('stops the proxy with a message naming PAY_LINK_MERCHANT_BRAND_COLOR (exit 78)', async () => {
    const { code, stderr } = await start({ PAY_LINK_MERCHANT_BRAND_COLOR: '#808080' });
    assert.equal(code, 78, stderr);
    assert.match(stderr, /^pay-link proxy: refusing to start: PAY_LINK_MERCHANT_BRAND_COLOR: text on "#808080" cannot reach the 4\.5:1 contrast/m);
  });
});
