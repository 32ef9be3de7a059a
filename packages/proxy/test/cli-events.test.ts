/**
 * `pay-link webhook-secret`, `pay-link events …` and `pay-link webhooks …` against a real in-process proxy whose
 * merchant endpoint is a real receiver (test/receiver.ts) that verifies every delivery. Every admin request the
 * commands make goes through the OpenAPI conformance checker, so the CLI and the document agree on the routes.
 * The exit codes and stdout/stderr split are checked on the real `src/cli.ts` process.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { CliError, runEvents, runWebhookSecret, runWebhooks } from '../src/cli.ts';
import type { LinkView } from '../src/contract.ts';
import { isWebhookSecret, newWebhookSecret } from '../src/merchant-events/endpoints.ts';
import { openApiDocument } from '../src/openapi.ts';
import type { AdminEventPage, AdminEventView, AdminWebhookList } from '../src/contract.ts';
import type { RunningProxy } from '../src/server.ts';
import { createMockServer, eventually, postJson, razorpayHandlers, razorpayWebhook, signRazorpay, startTestProxy, testConfig } from './helpers.ts';
import { createConformance } from './openapi-conformance.ts';
import { type Answer, type Delivery, type Receiver, startReceiver } from './receiver.ts';

const TOKEN = 'admin_token_cli_events_0123456789abcdef';
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

const msw = createMockServer();
const conformance = createConformance(openApiDocument);
let receiver: Receiver;
let proxy: RunningProxy;
let rzp: ReturnType<typeof razorpayHandlers>;
/** What the receiver answers next; every test that changes it puts 204 back. */
let plan: (delivery: Delivery) => Answer = () => 204;

/** `fetch` for the CLI: each exchange is checked against the OpenAPI document (the request too, on a 2xx). */
const checkedFetch: typeof fetch = async (input, init = {}) => {
  const url = new URL(String(input));
  const res = await fetch(input, init);
  const text = await res.text();
  const exchange = {
    method: init.method ?? 'GET',
    url: `${url.pathname}${url.search}`,
    requestHeaders: init.headers as Record<string, string>,
    requestBody: init.body as string | undefined,
    status: res.status,
    headers: res.headers,
    body: text,
  };
  conformance.checkResponse(exchange);
  if (res.ok) conformance.checkRequest(exchange);
  return new Response(text, { status: res.status, headers: res.headers });
};

const options = () => ({ env: { PAY_LINK_ADMIN_URL: proxy.url, PAY_LINK_ADMIN_TOKEN: TOKEN }, fetch: checkedFetch });
const events = (...args: string[]) => runEvents(args, options());
const webhooks = (...args: string[]) => runWebhooks(args, options());

/** `pay-link …` as a child process with exactly `env` (plus PATH). */
function cli(args: string[], env: Record<string, string> = { PAY_LINK_ADMIN_URL: proxy.url, PAY_LINK_ADMIN_TOKEN: TOKEN }) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
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

/** Mints a tea link, then has Razorpay report it paid: one `payment_link.paid` event for the endpoint. */
async function mintAndPay(): Promise<LinkView> {
  const res = await postJson(`${proxy.url}/v1/links`, { product: 'tea' });
  assert.equal(res.status, 201);
  const link = (await res.json()) as LinkView;
  const providerLink = [...rzp.links.values()].at(-1)!;
  const body = razorpayWebhook('payment_link.paid', { ...providerLink, status: 'paid', amount_paid: providerLink.amount });
  const hook = await fetch(`${proxy.url}/v1/webhooks/razorpay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-razorpay-signature': signRazorpay(body), 'x-razorpay-event-id': `rzp_${link.id}` },
    body,
  });
  assert.equal(hook.status, 200);
  return link;
}

/** The link's paid event once its delivery is in `state`. */
async function paidEvent(link: LinkView, state = 'delivered'): Promise<AdminEventView> {
  return eventually(async () => {
    const page = JSON.parse(await events('list', '--link', link.id, '--json')) as AdminEventPage;
    assert.equal(page.events[0]?.deliveries[0]?.state, state);
    return page.events[0]!;
  });
}

before(async () => {
  const secret = newWebhookSecret();
  receiver = await startReceiver({ secrets: [secret], answer: (delivery) => plan(delivery) });
  proxy = await startTestProxy(
    testConfig({
      PAY_LINK_ADMIN_TOKEN: TOKEN,
      PAY_LINK_WEBHOOK_URL: receiver.url,
      PAY_LINK_WEBHOOK_SECRET: secret,
      PAY_LINK_WEBHOOK_RETRY_SCHEDULE: '50ms,50ms,50ms',
      PAY_LINK_WEBHOOK_TIMEOUT_MS: '500',
    }),
    { eventsPollMs: 25 },
  );
});
beforeEach(() => {
  rzp = razorpayHandlers();
  msw.use(...rzp.handlers);
});
afterEach(() => {
  msw.resetHandlers();
  plan = () => 204;
});
after(async () => {
  await proxy.close();
  await receiver.close();
  msw.close();
});

describe('pay-link webhook-secret', () => {
  it('prints only a new whsec_ secret on stdout, and the hint on stderr', async () => {
    const [first, second] = await Promise.all([cli(['webhook-secret'], {}), cli(['webhook-secret'], {})]);
    for (const run of [first, second]) {
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^whsec_[A-Za-z0-9+/]+={0,2}\n$/);
      assert.ok(isWebhookSecret(run.stdout.trim()));
      assert.match(run.stderr, /PAY_LINK_WEBHOOK_SECRET/);
    }
    assert.notEqual(first.stdout, second.stdout);
    // 32 random bytes, and a key the Standard Webhooks library signs and verifies with.
    const { secret } = runWebhookSecret([]);
    assert.equal(Buffer.from(secret.slice('whsec_'.length), 'base64').length, 32);
    const signer = new Webhook(secret);
    const at = new Date();
    const headers = { 'webhook-id': 'evt_0123456789', 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signer.sign('evt_0123456789', at, '{}') };
    assert.deepEqual(signer.verify('{}', headers), {});
    assert.throws(() => runWebhookSecret(['--length', '64']), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' });
  });
});

describe('pay-link events', () => {
  it('lists events as a table with each delivery, filtered, or as the raw answer with --json', async () => {
    await paidEvent(await mintAndPay());
    const link = await mintAndPay();
    const event = await paidEvent(link);
    const table = await events('list', '--link', link.id, '--type', 'payment_link.paid', '--state', 'delivered');
    const [header, row, ...rest] = table.split('\n');
    assert.match(header!, /^ID\s+CREATED\s+TYPE\s+LINK\s+STATE\s+ATTEMPTS\s+LAST$/);
    assert.match(row!, new RegExp(`^${event.id}\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ\\s+payment_link\\.paid\\s+${link.id}\\s+delivered\\s+1\\s+204$`));
    assert.deepEqual(rest, []);

    const raw = JSON.parse(await events('list', '--limit', '1', '--json')) as AdminEventPage;
    assert.equal(raw.events.length, 1);
    assert.ok(raw.nextCursor, 'the raw answer keeps nextCursor');
    assert.match(await events('list', '--limit', '1'), /\nMore: add --cursor \S+$/);
    assert.equal(await events('list', '--link', 'pl_AAAAAAAAAAAAAAAAAAAAAA'), 'No events.');
    // The proxy checks the filters, and names the one at fault.
    await assert.rejects(events('list', '--type', 'payment_link.refunded'), (err: unknown) => {
      assert.ok(err instanceof CliError);
      assert.equal(err.exitCode, 1);
      assert.match(err.message, /^The request is not valid: type: .* \(invalid_request\)$/);
      return true;
    });
  });

  it('shows an event: its payload and every attempt with time, status, duration and error', async () => {
    const failedOnce = new Set<string>();
    plan = (d) => (d.event?.type === 'payment_link.paid' && !failedOnce.has(d.id) && failedOnce.add(d.id) ? 503 : 204);
    const link = await mintAndPay();
    const event = await paidEvent(link);
    const shown = await events('show', event.id);
    const lines = shown.split('\n');
    assert.equal(lines[0], `${event.id}  payment_link.paid`);
    assert.ok(lines.includes(`link     ${link.id}`));
    assert.ok(lines.includes(`    "id": "${event.id}",`), 'the payload, as delivered');
    assert.ok(lines.includes(`      "linkId": "${link.id}",`));
    assert.ok(lines.includes('      "status": "paid",'));
    const endpoint = event.deliveries[0]!.endpoint;
    assert.ok(lines.some((l) => l.startsWith(`to ${endpoint} (${receiver.url}): delivered, 2 attempts, delivered `)), shown);
    const attempts = lines.slice(lines.findIndex((l) => /^\s+#\s+AT\s+STATUS\s+DURATION\s+ERROR$/.test(l)) + 1);
    assert.match(attempts[0]!, /^\s+1\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+503\s+\d+ ms\s+HTTP 503$/);
    assert.match(attempts[1]!, /^\s+2\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\s+204\s+\d+ ms$/);
    assert.deepEqual((JSON.parse(await events('show', event.id, '--json')) as AdminEventView).payload, event.payload);
  });

  it('resends an event under the same webhook-id, to every endpoint or to one named by id or URL', async () => {
    const link = await mintAndPay();
    const event = await paidEvent(link);
    const endpoint = event.deliveries[0]!.endpoint;
    for (const extra of [[], ['--endpoint', endpoint], ['--endpoint', receiver.url]]) {
      const before = receiver.deliveries.filter((d) => d.id === event.id).length;
      const out = await events('resend', event.id, ...extra);
      assert.equal(out, `Resending ${event.id} (payment_link.paid) to ${receiver.url}, under the same webhook-id.\nFollow it with: pay-link events show ${event.id}`);
      await eventually(async () => assert.equal(receiver.deliveries.filter((d) => d.id === event.id && d.verified).length, before + 1));
      await paidEvent(link);
    }
    await assert.rejects(events('resend', event.id, '--endpoint', 'https://elsewhere.example/hooks'), /^CliError: The request is not valid: endpoint: not a configured endpoint .*\(invalid_request\)$/);
    await assert.rejects(events('resend', 'evt_AAAAAAAAAAAAAAAAAAAAAA'), /^CliError: Not found: There is no event with this id \(not_found\)$/);
  });

  it('refuses bad usage with exit code 2', async () => {
    for (const args of [[], ['frobnicate'], ['show'], ['show', 'evt_1', 'evt_2'], ['resend', 'evt_1', '--type', 'payment_link.paid'], ['list', 'evt_1'], ['list', '--endpoint', 'ep_1']]) {
      await assert.rejects(runEvents(args, options()), (err: unknown) => err instanceof CliError && err.exitCode === 2, args.join(' '));
    }
  });
});

describe('pay-link webhooks', () => {
  it('lists the endpoints, tests them (exit 1 when one does not answer 2xx), and takes --endpoint', async () => {
    const listed = await webhooks('list');
    assert.equal(listed.exitCode, 0);
    const { endpoints } = JSON.parse((await webhooks('list', '--json')).output) as AdminWebhookList;
    const id = endpoints[0]!.id;
    const [header, row] = listed.output.split('\n');
    assert.match(header!, /^ID\s+URL\s+EVENTS\s+STATE\s+LAST SUCCESS$/);
    assert.match(row!, new RegExp(`^${id}\\s+${receiver.url}\\s+default \\(all but created\\)\\s+enabled\\s+(-|\\d{4}-\\S+ \\S+Z)$`));

    const ok = await webhooks('test');
    assert.equal(ok.exitCode, 0);
    assert.match(ok.output, new RegExp(`^RESULT\\s+ENDPOINT\\s+URL\\s+ANSWER\\s+TIME\\nok\\s+${id}\\s+${receiver.url}\\s+HTTP 204\\s+\\d+ ms\\n\\n1 of 1 endpoint answered the signed test event with 2xx\\.$`));
    const tested = receiver.deliveries.at(-1)!;
    assert.ok(tested.verified);
    assert.equal((tested.event as unknown as { type: string }).type, 'webhook.test');

    plan = () => 500;
    const failing = await webhooks('test', '--endpoint', id);
    assert.equal(failing.exitCode, 1);
    assert.match(failing.output, new RegExp(`\\nFAIL\\s+${id}\\s+\\S+\\s+HTTP 500\\s+\\d+ ms\\n\\n0 of 1 endpoint answered`));
    assert.equal(JSON.parse((await webhooks('test', '--endpoint', receiver.url, '--json')).output).results[0].statusCode, 500);
    await assert.rejects(webhooks('test', '--endpoint', 'ep_nope'), /\(invalid_request\)$/);
    await assert.rejects(webhooks('test', id), (err: unknown) => err instanceof CliError && err.exitCode === 2 && /--endpoint/.test(err.message));
  });

  it('shows an endpoint disabled by a 410 with how to enable it; enable sends its waiting event', async () => {
    plan = () => 410;
    const link = await mintAndPay();
    const { endpoints } = await eventually(async () => {
      const answer = JSON.parse((await webhooks('list', '--json')).output) as AdminWebhookList;
      assert.equal(answer.endpoints[0]!.enabled, false);
      return answer;
    });
    const id = endpoints[0]!.id;
    const listed = (await webhooks('list')).output;
    assert.match(listed, new RegExp(`\\n${id}\\s+\\S+\\s+\\S.*\\s+disabled \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\dZ \\(the endpoint answered 410 Gone\\)`));
    assert.match(listed, new RegExp(`\\n\\nEnable one again with: pay-link webhooks enable ${id}$`));
    await paidEvent(link, 'pending');

    plan = () => 204;
    assert.deepEqual(await webhooks('enable', id), { output: `Enabled ${id}: its waiting events go now, in order.`, exitCode: 0 });
    await paidEvent(link, 'delivered');
    assert.match((await webhooks('list')).output, new RegExp(`\\n${id}\\s.*\\senabled\\s`));
    await assert.rejects(webhooks('enable', 'ep_AAAAAAAAAAAAAAAA'), /^CliError: Not found: There is no configured webhook endpoint with this id \(not_found\)$/);
    await assert.rejects(webhooks('enable'), (err: unknown) => err instanceof CliError && err.exitCode === 2);
  });
});

describe('the pay-link process', () => {
  it('prints a problem as pay-link: title: detail (code) and exits 1; a failing test exits 1; bad usage exits 2', async () => {
    const missing = await cli(['events', 'show', 'evt_AAAAAAAAAAAAAAAAAAAAAA']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, '');
    assert.equal(missing.stderr, 'pay-link: Not found: There is no event with this id (not_found)\n');

    plan = () => 503;
    const failing = await cli(['webhooks', 'test']);
    assert.equal(failing.code, 1, failing.stderr);
    assert.match(failing.stdout, /\nFAIL\s+ep_\S+\s+\S+\s+HTTP 503\s/);

    const usage = await cli(['events', 'frobnicate']);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /^pay-link: unknown events subcommand "frobnicate"\n\nUsage:\n[\s\S]*pay-link events list /);
  });

  it('says so when the proxy has no webhook endpoint (exit 1), and without an admin token (exit 2)', async () => {
    const plain = await startTestProxy(testConfig({ PAY_LINK_ADMIN_TOKEN: TOKEN }));
    try {
      const none = await cli(['webhooks', 'test'], { PAY_LINK_ADMIN_URL: plain.url, PAY_LINK_ADMIN_TOKEN: TOKEN });
      assert.equal(none.code, 1);
      assert.match(none.stderr, /^pay-link: This proxy has no merchant webhook endpoint: No webhook endpoint is configured: set PAY_LINK_WEBHOOK_URL .*\(webhooks_not_configured\)\n$/);
      const listed = await runWebhooks(['list'], { env: { PAY_LINK_ADMIN_URL: plain.url, PAY_LINK_ADMIN_TOKEN: TOKEN }, fetch: checkedFetch });
      assert.match(listed.output, /^No webhook endpoints are configured: set PAY_LINK_WEBHOOK_URL and PAY_LINK_WEBHOOK_SECRET \(pay-link webhook-secret prints one\)/);
    } finally {
      await plain.close();
    }
    const tokenless = await cli(['events', 'list'], { PAY_LINK_ADMIN_URL: proxy.url });
    assert.equal(tokenless.code, 2);
    assert.match(tokenless.stderr, /^pay-link: PAY_LINK_ADMIN_TOKEN: required/);
  });
});
