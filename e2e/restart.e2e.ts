/**
 * `pnpm start` keeps its records in a SQLite file, so a restart (here: the whole stack stopped and started again
 * on the same ports and the same file) keeps the demo's links: a paid purchase still answers paid under its id,
 * the admin listing still shows it, and the invoice paid before the restart shows its receipt with the same id.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { type Stack, DEMO_ADMIN_TOKEN, startStack } from '../scripts/stack.ts';
import { launchChromium } from './browser.ts';
import { freePort } from '../packages/proxy/test/postgres.ts';
import { invoiceFacts } from './pay-page.ts';

const dir = mkdtempSync(join(tmpdir(), 'pay-link-restart-'));
let browser: Browser;
let ports: { demoPort: number; proxyPort: number; simulatorPort: number };

before(async () => {
  ports = { demoPort: await freePort(), proxyPort: await freePort(), simulatorPort: await freePort() };
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

const start = () => startStack({ ...ports, databaseUrl: `sqlite:${join(dir, 'pay-link.sqlite')}` });

describe('pnpm start across a restart', () => {
  it('keeps every link id with its status, and the paid invoice its receipt', async () => {
    let stack: Stack = await start();
    let invoicePage: string;
    let receipt: string;
    let linkId: string;
    try {
      const minted = await fetch(`${stack.proxyUrl}/v1/links`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: stack.demoUrl, 'idempotency-key': 'restart-e2e-1' },
        body: JSON.stringify({ product: 'chai-tin' }),
      });
      assert.equal(minted.status, 201);
      linkId = ((await minted.json()) as { id: string }).id;
      await stack.simulator.control.razorpay!.pay(stack.simulator.control.razorpay!.links().at(-1)!.id);

      // The sample invoice, paid through its pay page's link.
      invoicePage = stack.invoiceEmail.payUrl;
      const click = await fetch(`${stack.proxyUrl}/v1/links`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: stack.proxyUrl },
        body: JSON.stringify({ intent: stack.invoiceEmail.token }),
      });
      assert.equal(click.status, 201);
      receipt = ((await click.json()) as { id: string }).id;
      await stack.simulator.control.razorpay!.pay(stack.simulator.control.razorpay!.links().at(-1)!.id);
      const page = await browser.newPage();
      await page.goto(invoicePage);
      assert.equal((await invoiceFacts(page)).Receipt, receipt);
      await page.close();
    } finally {
      await stack.close();
    }
    // fetch keeps connections alive: let it see the old proxy close them, or its first request after the restart
    // goes out on a socket the old proxy already ended ("other side closed").
    await new Promise((resolve) => setTimeout(resolve, 300));

    stack = await start();
    try {
      const read = await fetch(`${stack.proxyUrl}/v1/links/${linkId}`);
      assert.equal(read.status, 200, 'the old id is known after the restart');
      assert.equal(((await read.json()) as { status: string }).status, 'paid');
      const listed = await fetch(`${stack.proxyUrl}/v1/admin/links`, { headers: { authorization: `Bearer ${DEMO_ADMIN_TOKEN}` } });
      const ids = ((await listed.json()) as { links: { id: string }[] }).links.map((l) => l.id);
      assert.ok(ids.includes(linkId) && ids.includes(receipt), ids.join(', '));
      const replay = await fetch(`${stack.proxyUrl}/v1/links`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: stack.demoUrl, 'idempotency-key': 'restart-e2e-1' },
        body: JSON.stringify({ product: 'chai-tin' }),
      });
      assert.equal(replay.status, 200, 'the key is remembered too');
      assert.equal(((await replay.json()) as { id: string }).id, linkId);

      const page = await browser.newPage();
      await page.goto(invoicePage);
      const facts = await invoiceFacts(page);
      assert.equal(facts.Receipt, receipt, 'the receipt keeps its id');
      assert.match(facts.Status!, /^Paid/);
      await page.close();
    } finally {
      await stack.close();
    }
  });
});
