/**
 * "Operators see failures": credentials that look valid are checked, against the simulator over real HTTP.
 *
 * - `checkProviders` gives each of the five providers a verdict: ok with the demo credentials; credentials refused
 *   with a wrong secret (Pine Labs' refused token request included); unreachable on a closed port or a provider
 *   that never answers (within its own timeout); an unexpected answer from a URL that is not the provider's API.
 *   The probe creates nothing at the provider.
 * - `pay-link doctor`, run as the operator runs it (a child process): exit 0, 1 or 78, one line per provider, and
 *   never the secret it was given.
 * - `/readyz` with `PAY_LINK_READY_CHECK_PROVIDERS`: 503 problem+json naming the provider while its credentials are
 *   refused, 200 with good ones, one check for many probes; off by default, when no probe calls a provider.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { type AddressInfo, type Server, createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEMO_CREDENTIALS, type RunningSimulator, startSimulator } from '@pay-link/simulator';
import { ConfigError, loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { type ProviderCheckResult, checkProviders } from '../src/provider-check.ts';
import { createAdapters } from '../src/providers/adapters.ts';
import { type RunningProxy, startProxy } from '../src/server.ts';

const C = DEMO_CREDENTIALS;
const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Distinctive, so a leak anywhere in the output is found. */
const WRONG_SECRET = 'wrong_secret_d0c70r_7f3a9c1e5b';

/** Each provider's variables with the demo credentials, the one that is its secret, and a wrong one of the right shape. */
const PROVIDERS = {
  razorpay: {
    secret: 'RAZORPAY_KEY_SECRET',
    env: (sim: RunningSimulator) => ({
      RAZORPAY_KEY_ID: C.razorpay.keyId,
      RAZORPAY_KEY_SECRET: C.razorpay.keySecret,
      RAZORPAY_WEBHOOK_SECRET: C.razorpay.webhookSecret,
      RAZORPAY_BASE_URL: `${sim.url}/razorpay`,
    }),
  },
  xendit: {
    secret: 'XENDIT_SECRET_KEY',
    wrong: `xnd_development_${WRONG_SECRET}`,
    env: (sim: RunningSimulator) => ({
      XENDIT_SECRET_KEY: C.xendit.secretKey,
      XENDIT_CALLBACK_TOKEN: C.xendit.callbackToken,
      XENDIT_BASE_URL: `${sim.url}/xendit`,
    }),
  },
  pinelabs: {
    secret: 'PINELABS_CLIENT_SECRET',
    env: (sim: RunningSimulator) => ({
      PINELABS_CLIENT_ID: C.pinelabs.clientId,
      PINELABS_CLIENT_SECRET: C.pinelabs.clientSecret,
      PINELABS_WEBHOOK_SECRET: C.pinelabs.webhookSecret,
      PINELABS_BASE_URL: `${sim.url}/pinelabs/api`,
    }),
  },
  payengine: {
    secret: 'PAYENGINE_SECRET_KEY',
    env: (sim: RunningSimulator) => ({
      PAYENGINE_SECRET_KEY: C.payengine.secretKey,
      PAYENGINE_MERCHANT_ID: C.payengine.merchantId,
      PAYENGINE_WEBHOOK_SECRET: C.payengine.webhookSecret,
      PAYENGINE_BASE_URL: `${sim.url}/payengine`,
    }),
  },
  eximpe: {
    secret: 'EXIMPE_CLIENT_SECRET',
    env: (sim: RunningSimulator) => ({
      EXIMPE_CLIENT_ID: C.eximpe.clientId,
      EXIMPE_CLIENT_SECRET: C.eximpe.clientSecret,
      EXIMPE_WEBHOOK_SECRET: C.eximpe.webhookSecret,
      EXIMPE_BASE_URL: `${sim.url}/eximpe`,
    }),
  },
} as const;
type Name = keyof typeof PROVIDERS;
const NAMES = Object.keys(PROVIDERS) as Name[];

let sim: RunningSimulator;

/** The proxy's variables for `names`, with the demo credentials, then `overrides`. */
function proxyEnv(names: readonly Name[] = NAMES, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    PAY_LINK_PROVIDER_TIMEOUT_MS: '3000',
    LOG_LEVEL: 'silent',
    // A private in-memory database per proxy: nothing left behind, nothing shared between tests.
    PAY_LINK_DATABASE_URL: 'sqlite::memory:',
    ...Object.assign({}, ...names.map((name) => PROVIDERS[name].env(sim))),
    ...overrides,
  };
}

function check(env: Record<string, string>, options: { timeoutMs?: number } = {}): Promise<ProviderCheckResult[]> {
  const config = loadConfig(env);
  return checkProviders(createAdapters(config, { fetch, now: Date.now }), { timeoutMs: options.timeoutMs ?? config.providerTimeoutMs });
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

/** `pay-link doctor …` as a child process with exactly `env` (plus PATH). */
function doctor(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'doctor', ...args], {
      cwd: PACKAGE_DIR,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

before(async () => {
  sim = await startSimulator({ port: 0, log: false, razorpay: { ...C.razorpay }, xendit: { ...C.xendit }, pinelabs: { ...C.pinelabs }, payengine: { ...C.payengine }, eximpe: { ...C.eximpe } });
});
beforeEach(() => sim.control.reset());
after(() => sim.close());

describe('checkProviders', () => {
  it('finds all five providers ok with the demo credentials, and creates nothing at any of them', async () => {
    const results = await check(proxyEnv());
    assert.deepEqual(results.map((r) => r.provider).sort(), [...NAMES].sort());
    for (const r of results) assert.equal(r.verdict, 'ok', `${r.provider}: ${r.code}`);
    for (const r of results) assert.ok(Number.isInteger(r.ms) && r.ms >= 0, `${r.provider}: ms`);
    assert.equal(sim.control.razorpay!.links().length, 0);
    assert.equal(sim.control.xendit!.links().length, 0);
    assert.equal(sim.control.pinelabs!.links().length, 0);
    assert.equal(sim.control.payengine!.links().length, 0);
    assert.equal(sim.control.eximpe!.links().length, 0);
  });

  for (const name of NAMES) {
    it(`says ${name} refused the credentials when its secret is wrong, without the secret`, async () => {
      const provider: { secret: string; wrong?: string } = PROVIDERS[name];
      const [result] = await check(proxyEnv([name], { [provider.secret]: provider.wrong ?? WRONG_SECRET }));
      assert.equal(result?.provider, name);
      assert.equal(result.verdict, 'credentials_refused');
      assert.equal(result.code, 'provider_auth_failed');
      assert.equal(result.httpStatus, 401, 'the simulator refuses a wrong secret with 401');
      assert.ok(!JSON.stringify(result).includes(WRONG_SECRET));
    });
  }

  it('says a provider on a closed port is unreachable', async () => {
    const port = await closedPort();
    const [result] = await check(proxyEnv(['xendit'], { XENDIT_BASE_URL: `http://127.0.0.1:${port}/xendit` }));
    assert.equal(result?.verdict, 'unreachable');
    assert.equal(result.code, 'provider_unavailable');
  });

  it('says a provider that never answers is unreachable, within the check timeout', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const silent: Server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    try {
      const { port } = silent.address() as AddressInfo;
      const started = performance.now();
      const env = proxyEnv(['razorpay', 'xendit'], { RAZORPAY_BASE_URL: `http://127.0.0.1:${port}`, PAY_LINK_PROVIDER_TIMEOUT_MS: '5000' });
      const results = await check(env, { timeoutMs: 300 });
      assert.ok(performance.now() - started < 2_000, 'bounded by the check timeout, not the provider call timeout');
      const razorpay = results.find((r) => r.provider === 'razorpay');
      assert.equal(razorpay?.verdict, 'unreachable');
      assert.equal(razorpay.code, 'provider_timeout');
      assert.equal(results.find((r) => r.provider === 'xendit')?.verdict, 'ok', 'each provider has its own timeout');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((done) => silent.close(done));
    }
  });

  it("says a base URL that is not the provider's API gives an unexpected answer", async () => {
    const [result] = await check(proxyEnv(['razorpay'], { RAZORPAY_BASE_URL: `${sim.url}/no-such-provider` }));
    assert.equal(result?.verdict, 'unexpected_answer');
    assert.equal(result.code, 'not_found');
    assert.equal(result.httpStatus, 404);
  });
});

describe('pay-link doctor', () => {
  it('prints one ok line per provider, in test mode, and exits 0', async () => {
    const { code, stdout, stderr } = await doctor([], proxyEnv());
    assert.equal(code, 0, stderr);
    for (const name of NAMES) assert.match(stdout, new RegExp(`^${name} +test  ok  \\(\\d+ ms\\)$`, 'm'));
    assert.match(stdout, /All 5 providers ok\./);
  });

  it('names the provider whose credentials are refused, exits 1, and never prints the secret', async () => {
    const { code, stdout, stderr } = await doctor([], proxyEnv(NAMES, { PINELABS_CLIENT_SECRET: WRONG_SECRET }));
    assert.equal(code, 1, stderr);
    assert.match(stdout, /^pinelabs +test  credentials refused  \(\d+ ms\): provider_auth_failed, HTTP 401$/m);
    assert.match(stdout, /^razorpay +test  ok /m);
    assert.match(stdout, /PINELABS_CLIENT_SECRET/, 'says which variables to check');
    assert.match(stdout, /1 of 5 providers not ok\./);
    assert.ok(!stdout.includes(WRONG_SECRET) && !stderr.includes(WRONG_SECRET), 'the secret is not in the output');
    for (const secret of [C.razorpay.keySecret, C.xendit.secretKey, C.payengine.secretKey, C.eximpe.clientSecret]) {
      assert.ok(!stdout.includes(secret) && !stderr.includes(secret), 'no other secret either');
    }
  });

  it('says a provider on a closed port is unreachable and exits 1; --json says the same for machines', async () => {
    const env = proxyEnv(['razorpay', 'eximpe'], { EXIMPE_BASE_URL: `http://127.0.0.1:${await closedPort()}/eximpe` });
    const text = await doctor([], env);
    assert.equal(text.code, 1, text.stderr);
    assert.match(text.stdout, /^eximpe +test  unreachable  \(\d+ ms\): provider_unavailable$/m);
    assert.match(text.stdout, /EXIMPE_BASE_URL/);

    const json = await doctor(['--json'], env);
    assert.equal(json.code, 1, json.stderr);
    const report = JSON.parse(json.stdout) as { ok: boolean; providers: (ProviderCheckResult & { mode: string })[] };
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.providers.map(({ provider, mode, verdict, code }) => ({ provider, mode, verdict, code })),
      [
        { provider: 'razorpay', mode: 'test', verdict: 'ok', code: undefined },
        { provider: 'eximpe', mode: 'test', verdict: 'unreachable', code: 'provider_unavailable' },
      ],
    );
  });

  it('refuses a bad configuration by naming the variable, without its value, and exits 78', async () => {
    const bad = await doctor([], proxyEnv(['razorpay'], { PAY_LINK_READY_CHECK_PROVIDERS: 'yes' }));
    assert.equal(bad.code, 78);
    assert.match(bad.stderr, /PAY_LINK_READY_CHECK_PROVIDERS: expected true or false/);
    assert.equal(bad.stdout, '');

    const short = await doctor([], proxyEnv(['razorpay'], { RAZORPAY_KEY_SECRET: 'short' }));
    assert.equal(short.code, 78);
    assert.match(short.stderr, /RAZORPAY_KEY_SECRET/);
    assert.ok(!short.stderr.includes('"short"'));
  });
});

describe('/readyz with PAY_LINK_READY_CHECK_PROVIDERS', () => {
  const running = new Set<RunningProxy>();
  after(() => Promise.all([...running].map((p) => p.close())));

  /** A proxy whose provider calls are counted. */
  async function boot(env: Record<string, string>) {
    const calls: string[] = [];
    const counting: typeof fetch = (input, init) => {
      calls.push(String(input instanceof Request ? input.url : input));
      return fetch(input, init);
    };
    const proxy = await startProxy({ ...loadConfig(env), port: 0 }, { logger: createLogger('silent'), fetch: counting });
    running.add(proxy);
    return { proxy, calls };
  }

  it('refuses a value that is not a boolean, naming the variable', () => {
    assert.throws(
      () => loadConfig(proxyEnv(['razorpay'], { PAY_LINK_READY_CHECK_PROVIDERS: 'on' })),
      (err: unknown) => err instanceof ConfigError && /^PAY_LINK_READY_CHECK_PROVIDERS: expected true or false/.test(err.message),
    );
    assert.equal(loadConfig(proxyEnv(['razorpay'])).readyCheckProviders, false, 'off by default');
    assert.equal(loadConfig(proxyEnv(['razorpay'], { PAY_LINK_READY_CHECK_PROVIDERS: '1' })).readyCheckProviders, true);
  });

  it('answers 503 problem+json naming the provider whose credentials are refused, and never the secret', async () => {
    const { proxy } = await boot(proxyEnv(['razorpay', 'xendit'], { XENDIT_SECRET_KEY: PROVIDERS.xendit.wrong, PAY_LINK_READY_CHECK_PROVIDERS: 'true' }));
    const res = await fetch(`${proxy.url}/readyz`);
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('content-type')?.split(';')[0], 'application/problem+json');
    const text = await res.text();
    assert.ok(!text.includes(WRONG_SECRET));
    const body = JSON.parse(text) as { status: number; code: string; detail: string; providers: unknown[] };
    assert.equal(body.status, 503);
    assert.equal(body.code, 'provider_auth_failed');
    assert.match(body.detail, /xendit credentials refused \(provider_auth_failed, HTTP 401\)/);
    assert.doesNotMatch(body.detail, /razorpay/, 'only the failed providers are named');
    assert.deepEqual(body.providers, [{ provider: 'xendit', verdict: 'credentials_refused', code: 'provider_auth_failed', httpStatus: 401 }]);
  });

  it('answers 200 with good credentials, and many probes share one check', async () => {
    const { proxy, calls } = await boot(proxyEnv(NAMES, { PAY_LINK_READY_CHECK_PROVIDERS: 'true' }));
    const answers = await Promise.all(Array.from({ length: 10 }, () => fetch(`${proxy.url}/readyz`)));
    for (const res of answers) {
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { status: 'ready' });
    }
    const oneCheck = calls.length;
    // One read per provider; Pine Labs asks for its token first.
    assert.equal(oneCheck, 6, calls.join('\n'));
    assert.equal((await fetch(`${proxy.url}/readyz`)).status, 200);
    assert.equal(calls.length, oneCheck, 'a probe within 30 s answers from the last check');
  });

  it('is off by default: 200 without a single provider call, even with a wrong secret', async () => {
    const { proxy, calls } = await boot(proxyEnv(['razorpay', 'pinelabs'], { PINELABS_CLIENT_SECRET: WRONG_SECRET }));
    for (let i = 0; i < 3; i += 1) {
      const res = await fetch(`${proxy.url}/readyz`);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { status: 'ready' });
    }
    assert.deepEqual(calls, []);
  });

  it('answers draining while shutting down, without checking the providers', async () => {
    const { proxy, calls } = await boot(proxyEnv(['razorpay'], { PAY_LINK_READY_CHECK_PROVIDERS: 'true' }));
    proxy.proxy.drain();
    const res = await fetch(`${proxy.url}/readyz`);
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), { status: 'draining' });
    assert.deepEqual(calls, []);
  });
});
