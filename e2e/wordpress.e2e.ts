/**
 * The WordPress plugin in a real WordPress (Debian's 6.1, PHP's built-in server, a throwaway MariaDB: see
 * packages/wordpress/test/wordpress.ts), clicked through in headless Chromium: the settings page saved through
 * the admin UI, a post with the block and a page with the shortcode each upgrade to a working button whose
 * purchase reaches Paid through the simulated Razorpay checkout, with no console errors, CSP violations or failed
 * requests; a hostile shortcode attribute runs nothing. Screenshots for docs/wordpress.md go to docs/img/.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { ADMIN, type TestWordPress, buildZipWhenStale, freePort, installPlugin, startWordPress } from '../packages/wordpress/test/wordpress.ts';
import { type Stack, startStack } from '../scripts/stack.ts';
import { launchChromium, recordProblems } from './browser.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const zip = join(root, 'packages/wordpress/dist/pay-link.zip');

let wp: TestWordPress;
let stack: Stack;
let browser: Browser;
const posts: Record<'block' | 'shortcode' | 'hostile', string> = { block: '', shortcode: '', hostile: '' };

before(async () => {
  buildZipWhenStale();
  const port = await freePort();
  [wp, stack, browser] = await Promise.all([
    startWordPress({ port }),
    startStack({ demoPort: 0, proxyPort: 0, simulatorPort: 0, allowedOrigins: [`http://127.0.0.1:${port}`] }),
    launchChromium(),
  ]);
  await installPlugin(wp, zip);
  const ids = JSON.parse(
    await wp.php(`echo wp_json_encode( array(
      'block' => wp_insert_post( array( 'post_title' => 'Masala chai, by the tin', 'post_content' => "<!-- wp:paragraph --><p>Assam CTC with cardamom and ginger.</p><!-- /wp:paragraph -->\\n<!-- wp:pay-link/button {\\"product\\":\\"chai-tin\\"} /-->", 'post_status' => 'publish' ) ),
      'shortcode' => wp_insert_post( array( 'post_type' => 'page', 'post_title' => 'Tasting box', 'post_content' => '<p>Six single-estate teas.</p>[pay_link product="tasting-box" label="Buy the box"]', 'post_status' => 'publish' ) ),
      'hostile' => wp_insert_post( array( 'post_type' => 'page', 'post_title' => 'Hostile', 'post_content' => wp_slash( '[pay_link product="x\\" onmouseover=alert(1)"][pay_link product="chai-tin" label="&quot; onfocus=alert(2) autofocus x=&quot;<img src=x onerror=alert(3)>"]' ), 'post_status' => 'publish' ) ),
    ) );`),
  );
  for (const key of Object.keys(posts) as (keyof typeof posts)[]) posts[key] = `${wp.url}/?p=${ids[key]}`;
});
after(async () => {
  await browser?.close();
  await Promise.all([wp?.stop(), stack?.close()]);
});

async function waitForStatus(page: Page, button: Locator, status: string) {
  const el = await button.elementHandle();
  await page.waitForFunction(([e, s]) => e!.getAttribute('status') === s, [el, status] as const, { timeout: 15_000 });
}

/** Click → the simulated Razorpay checkout in a popup → Pay → the popup closes itself → the button shows Paid. */
async function payThroughPopup(page: Page, button: Locator, amount: RegExp) {
  const popupOpened = page.waitForEvent('popup');
  await button.locator('[part="button"]').click();
  const popup = await popupOpened;
  await popup.waitForURL(/\/razorpay\/i\//, { timeout: 10_000 });
  assert.match((await popup.textContent('body')) ?? '', amount);
  const closed = popup.waitForEvent('close', { timeout: 10_000 });
  await popup.getByRole('button', { name: /^Pay\b/ }).first().click();
  await closed;
  await waitForStatus(page, button, 'paid');
}

async function openPost(url: string) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  const problems: string[] = [];
  recordProblems(page, problems);
  context.on('page', (p) => recordProblems(p, problems));
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(url);
  return { context, page, problems, dialogs };
}

describe('WordPress plugin in Chromium: settings, block, shortcode, purchase', () => {
  it('the settings page saves the demo proxy through the admin UI and lists its products', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${wp.url}/wp-login.php`);
    await page.fill('#user_login', ADMIN.user);
    await page.fill('#user_pass', ADMIN.password);
    await Promise.all([page.waitForURL(/\/wp-admin\//), page.click('#wp-submit')]);
    await page.goto(`${wp.url}/wp-admin/options-general.php?page=pay-link`);
    await page.getByLabel('Proxy URL').fill(stack.proxyUrl);
    await page.getByLabel('Checkout opens in').selectOption('popup');
    await Promise.all([page.waitForURL(/settings-updated=true/), page.getByRole('button', { name: 'Save Changes' }).click()]);
    await page.getByText('Settings saved.').waitFor();
    assert.equal(await page.getByLabel('Proxy URL').inputValue(), stack.proxyUrl);
    assert.match((await page.locator('#pay-link-mode').textContent()) ?? '', /Test mode/);
    assert.equal(await page.locator('#pay-link-products tbody tr').count(), 7);
    assert.equal(await page.locator('#pay-link-origin').count(), 0, 'the proxy allows this site: no origin warning');
    await page.screenshot({ path: join(root, 'docs/img/wordpress-settings.png'), fullPage: true });
    await context.close();
  });

  it('a post with the block: the element upgrades and a purchase reaches Paid ₹499.00', async () => {
    const { context, page, problems, dialogs } = await openPost(posts.block);
    const button = page.locator('.wp-block-pay-link-button pay-link-button[product="chai-tin"]');
    await button.locator('[part="label"]', { hasText: /^Pay/ }).waitFor({ timeout: 10_000 });
    assert.equal(await button.evaluate((el) => el.shadowRoot !== null && el.matches(':defined')), true);
    assert.equal(await button.getAttribute('proxy'), stack.proxyUrl);
    assert.equal(await button.locator('a[slot="fallback"]').isVisible(), false, 'the fallback link hides once upgraded');
    await page.screenshot({ path: join(root, 'docs/img/wordpress-block-post.png') });
    await payThroughPopup(page, button, /499/);
    assert.match((await button.locator('[part="status"]').textContent()) ?? '', /Paid.*₹499\.00/);
    assert.deepEqual(problems, [], 'no page errors, CSP violations or failed requests');
    assert.deepEqual(dialogs, []);
    await context.close();
  });

  it('a page with the shortcode: the labelled button pays too', async () => {
    const { context, page, problems } = await openPost(posts.shortcode);
    const button = page.locator('pay-link-button[product="tasting-box"]');
    await button.locator('[part="label"]', { hasText: 'Buy the box' }).waitFor({ timeout: 10_000 });
    assert.equal(await button.getAttribute('presentation'), 'popup', 'the site default from the settings page');
    await payThroughPopup(page, button, /1,?850/);
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('without JavaScript the button is a link to the proxy’s buy page', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(posts.shortcode);
    const link = page.locator('pay-link-button a[slot="fallback"]');
    assert.equal(await link.isVisible(), true);
    assert.equal(await link.getAttribute('href'), `${stack.proxyUrl}/buy/tasting-box`);
    const buy = await fetch(`${stack.proxyUrl}/buy/tasting-box`);
    assert.equal(buy.status, 200, 'the proxy serves the buy page');
    await context.close();
  });

  it('hostile shortcode attributes run nothing and add no attribute', async () => {
    const { context, page, problems, dialogs } = await openPost(posts.hostile);
    const buttons = page.locator('pay-link-button');
    await buttons.first().waitFor();
    // Whatever the shortcode parser makes of the broken quoting, only our attributes reach the element.
    const allowed = new Set(['label', 'presentation', 'product', 'proxy', 'status', 'intent', 'theme', 'lang', 'quantity']);
    for (const names of await buttons.evaluateAll((els) => els.map((el) => el.getAttributeNames()))) {
      assert.deepEqual(names.filter((n) => !allowed.has(n)), []);
    }
    assert.ok((await buttons.evaluateAll((els) => els.map((el) => el.getAttribute('product')))).every((p) => /^[A-Za-z0-9._-]{1,64}$/.test(p ?? '')));
    assert.equal(await page.locator('[onmouseover], [onfocus], [onerror], img[src="x"]').count(), 0);
    await page.waitForTimeout(300);
    assert.deepEqual(dialogs, []);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
