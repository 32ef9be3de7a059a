/**
 * The plugin inside a real WordPress (Debian's 6.1 on PHP 8.2 and MariaDB, see wordpress.ts), without a browser:
 * the zip's contents, installing it the way Upload Plugin does, the settings page's save (the proxy checked against
 * the demo stack's /v1/config, nonce and capability), the shortcode's and block's output for honest and hostile
 * input, the script only on pages with a button, and uninstall. The clicks are in e2e/wordpress.e2e.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Stack, startStack } from '../../../scripts/stack.ts';
import { ADMIN, type TestWordPress, buildZipWhenStale, WordPressSession, inputValue, installPlugin, startWordPress } from './wordpress.ts';

const here = dirname(fileURLToPath(import.meta.url));
const zip = join(here, '../dist/pay-link.zip');
const PLUGIN = 'pay-link/pay-link.php';

let wp: TestWordPress;
let stack: Stack;

before(async () => {
  buildZipWhenStale();
  [wp, stack] = await Promise.all([startWordPress(), startStack({ demoPort: 0, proxyPort: 0, simulatorPort: 0 })]);
});
after(async () => {
  await Promise.all([wp?.stop(), stack?.close()]);
});

const php = (code: string) => wp.php(code);
const q = (s: string) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
/** Renders post content as a visitor (user 0) or as the administrator would see it. */
const render = (content: string, as: 'visitor' | 'admin' = 'visitor') =>
  php(`${as === 'visitor' ? 'wp_set_current_user( 0 );' : ''} echo do_blocks( do_shortcode( ${q(content)} ) );`);
const setOption = (value: Record<string, string>) => php(`update_option( 'pay_link_settings', json_decode( ${q(JSON.stringify(value))}, true ) );`);

/** The settings form's hidden fields, read from the page as a browser would submit them. */
async function settingsForm(session: WordPressSession): Promise<Record<string, string>> {
  const page = await session.request('/wp-admin/options-general.php?page=pay-link');
  assert.equal(page.status, 200);
  return {
    option_page: inputValue(page.body, 'option_page')!,
    action: 'update',
    _wpnonce: inputValue(page.body, '_wpnonce')!,
    _wp_http_referer: inputValue(page.body, '_wp_http_referer')!,
  };
}

describe('pay-link for WordPress (real WordPress 6.1, PHP, MariaDB)', () => {
  it('the zip holds the plugin only: pay-link/ at the top, the bundle and translations, no maps or dev files', (t) => {
    // name → sha256 of each entry, read by Python's zipfile (an independent reader from the one that wrote it).
    const listing = spawnSync(
      'python3',
      ['-c', 'import sys, json, hashlib, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(json.dumps({n: hashlib.sha256(z.read(n)).hexdigest() for n in z.namelist()}))', zip],
      { encoding: 'utf8' },
    );
    assert.equal(listing.status, 0, listing.stderr);
    const entries = JSON.parse(listing.stdout) as Record<string, string>;
    const names = Object.keys(entries);
    const files = names.filter((n) => !n.endsWith('/'));
    assert.ok(names.every((n) => n.startsWith('pay-link/')), 'one top folder');
    for (const required of [
      'pay-link/pay-link.php',
      'pay-link/readme.txt',
      'pay-link/uninstall.php',
      'pay-link/blocks/button/block.json',
      'pay-link/blocks/button/index.js',
      'pay-link/assets/pay-link-button.iife.js',
      'pay-link/assets/translations/hi.js',
      'pay-link/assets/THIRD-PARTY-LICENSES.txt',
    ]) {
      assert.ok(names.includes(required), `${required} in the zip`);
    }
    assert.deepEqual(names.filter((n) => /\.map$|\.ts$|node_modules|package\.json|\/test\/|\.DS_Store|\.git/.test(n)), []);

    // Nothing from outside the plugin: every file is a plugin source file, byte for byte, or one of the widget's
    // built files that build.mjs copies into assets/ (the bundle and translations without their map comment).
    const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
    const source = join(here, '../pay-link');
    const sources = readdirSync(source, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(source, f)).isFile());
    const widgetDist = join(here, '../../widget/dist');
    const withoutMap = (file: string) => readFileSync(file, 'utf8').replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n');
    const built = new Map<string, string>([
      ['pay-link/assets/pay-link-button.iife.js', sha(withoutMap(join(widgetDist, 'pay-link-button.iife.js')))],
      ['pay-link/assets/THIRD-PARTY-LICENSES.txt', sha(readFileSync(join(widgetDist, 'THIRD-PARTY-LICENSES.txt')))],
      ...['extras.js', 'amount-input.js', 'qr-dialog.js'].map((f) => [`pay-link/assets/${f}`, sha(withoutMap(join(widgetDist, f)))] as [string, string]),
      ...readdirSync(join(widgetDist, 'translations'))
        .filter((f) => f.endsWith('.js'))
        .map((f) => [`pay-link/assets/translations/${f}`, sha(withoutMap(join(widgetDist, 'translations', f)))] as [string, string]),
    ]);
    for (const file of files) {
      const rel = file.slice('pay-link/'.length);
      const expected = sources.includes(rel) ? sha(readFileSync(join(source, rel))) : built.get(file);
      assert.ok(expected, `${file} is neither a plugin source file nor a copied widget build file`);
      assert.equal(entries[file], expected, `${file} is the file it was built from`);
    }
    assert.deepEqual(sources.filter((f) => !files.includes(`pay-link/${f}`)), [], 'every plugin source file ships');

    // No development dependency: none of the plugin's or the widget's devDependencies (test runners, mocks,
    // bundlers) is in the zip, by path or by its marks in the bundle. (The widget bundles one module of
    // @pay-link/proxy, its currency table, on purpose: that is source, not a package.)
    const devDependencies = [join(here, '../package.json'), join(here, '../../widget/package.json')].flatMap((f) =>
      Object.keys((JSON.parse(readFileSync(f, 'utf8')) as { devDependencies?: Record<string, string> }).devDependencies ?? {}),
    );
    assert.ok(devDependencies.includes('msw') && devDependencies.includes('@pay-link/widget'));
    assert.deepEqual(files.filter((f) => devDependencies.some((d) => f.includes(`/${d.replace(/^@[^/]+\//, '')}/`))), []);
    const bundle = withoutMap(join(widgetDist, 'pay-link-button.iife.js'));
    for (const mark of ['mockServiceWorker', 'sinon', '@open-wc', 'web-test-runner', 'chai.expect', 'vite/', 'import.meta.hot']) {
      assert.ok(!bundle.includes(mark), `the bundle has no "${mark}"`);
    }

    const size = statSync(zip).size;
    const unpacked = spawnSync('python3', ['-c', 'import sys, zipfile; print(sum(i.file_size for i in zipfile.ZipFile(sys.argv[1]).infolist()))', zip], { encoding: 'utf8' });
    t.diagnostic(`pay-link.zip: ${(size / 1024).toFixed(1)} kB (${size} bytes), ${files.length} files, ${(Number(unpacked.stdout) / 1024).toFixed(1)} kB unpacked`);
    assert.ok(size < 100 * 1024, `the zip stays small (${size} bytes)`);
  });

  it('installs from the zip as Upload Plugin does, and activates', async () => {
    assert.equal(await installPlugin(wp, zip), PLUGIN);
    assert.equal(await php(`require_once ABSPATH . 'wp-admin/includes/plugin.php'; echo is_plugin_active( '${PLUGIN}' ) ? 'active' : 'inactive';`), 'active');
    const headers = JSON.parse(await php(`require_once ABSPATH . 'wp-admin/includes/plugin.php'; echo wp_json_encode( get_plugin_data( WP_PLUGIN_DIR . '/${PLUGIN}' ) );`));
    assert.equal(headers.Name, 'pay-link');
    assert.equal(headers.Version, '0.1.0');
    assert.equal(await php(`echo WP_Block_Type_Registry::get_instance()->is_registered( 'pay-link/button' ) ? 'yes' : 'no';`), 'yes');
    assert.equal(await php(`echo shortcode_exists( 'pay_link' ) ? 'yes' : 'no';`), 'yes');
  });

  it('settings: an unreachable proxy URL is refused with a notice, and nothing is stored', async () => {
    const admin = new WordPressSession(wp.url);
    await admin.login(ADMIN.user, ADMIN.password);
    const form = await settingsForm(admin);
    assert.equal(form.option_page, 'pay_link');
    const saved = await admin.request('/wp-admin/options.php', {
      form: { ...form, 'pay_link_settings[proxy_url]': 'http://127.0.0.1:9/', 'pay_link_settings[presentation]': 'popup', 'pay_link_settings[lang]': '' },
    });
    assert.equal(saved.status, 302);
    const back = new URL(saved.location!, wp.url);
    const page = await admin.request(back.pathname + back.search);
    assert.match(page.body, /notice-error[\s\S]*The proxy URL was not saved: http:\/\/127\.0\.0\.1:9 did not answer as a pay-link proxy/);
    assert.doesNotMatch(page.body, /Settings saved/);
    const stored = JSON.parse(await php(`echo wp_json_encode( get_option( 'pay_link_settings' ) );`));
    assert.equal(stored.proxy_url, '');
    assert.equal(stored.presentation, 'popup', 'the other fields still save');
  });

  it('settings: the demo proxy is accepted; the page lists its products, test mode and the origin to allow', async () => {
    const admin = new WordPressSession(wp.url);
    await admin.login(ADMIN.user, ADMIN.password);
    const form = await settingsForm(admin);
    const saved = await admin.request('/wp-admin/options.php', {
      form: { ...form, 'pay_link_settings[proxy_url]': `${stack.proxyUrl}/`, 'pay_link_settings[presentation]': 'auto', 'pay_link_settings[lang]': '' },
    });
    assert.equal(saved.status, 302);
    const page = await admin.request('/wp-admin/options-general.php?page=pay-link&settings-updated=true');
    assert.match(page.body, /Settings saved/);
    assert.equal(inputValue(page.body, 'pay_link_settings[proxy_url]'), stack.proxyUrl, 'stored without the trailing slash');
    assert.match(page.body, /<strong>Test mode:<\/strong>/);
    assert.match(page.body, /7 products/);
    assert.match(page.body, /<code>chai-tin<\/code><\/td><td>Masala chai tin, 250 g<\/td><td>499\.00 INR<\/td>/);
    assert.match(page.body, /<code>bali-kopi<\/code><\/td><td>Bali kopi, 200 g<\/td><td>150,000\.00 IDR<\/td>/);
    // The stack here allows only the demo's own origin: the page says which one to add.
    assert.match(page.body, new RegExp(`id="pay-link-origin"[\\s\\S]*PAY_LINK_ALLOWED_ORIGINS=${wp.url.replaceAll('.', '\\.')}`));
  });

  it('settings: a save without the nonce, or by a user without manage_options, is refused', async () => {
    const before = await php(`echo wp_json_encode( get_option( 'pay_link_settings' ) );`);
    const admin = new WordPressSession(wp.url);
    await admin.login(ADMIN.user, ADMIN.password);
    const form = await settingsForm(admin);
    const noNonce = await admin.request('/wp-admin/options.php', {
      form: { option_page: 'pay_link', action: 'update', _wp_http_referer: form._wp_http_referer!, 'pay_link_settings[proxy_url]': '' },
    });
    assert.equal(noNonce.status, 403);
    assert.match(noNonce.body, /The link you followed has expired/);
    const badNonce = await admin.request('/wp-admin/options.php', { form: { ...form, _wpnonce: 'abcdef1234', 'pay_link_settings[proxy_url]': '' } });
    assert.equal(badNonce.status, 403);

    await php(`wp_insert_user( array( 'user_login' => 'reader', 'user_pass' => 'reader-password-1', 'user_email' => 'reader@example.com', 'role' => 'subscriber' ) );`);
    const reader = new WordPressSession(wp.url);
    await reader.login('reader', 'reader-password-1');
    const page = await reader.request('/wp-admin/options-general.php?page=pay-link');
    assert.equal(page.status, 403, 'subscribers cannot open the page');
    const post = await reader.request('/wp-admin/options.php', { form: { ...form, 'pay_link_settings[proxy_url]': '' } });
    assert.equal(post.status, 403, "nor save with someone else's nonce");
    assert.equal(await php(`echo wp_json_encode( get_option( 'pay_link_settings' ) );`), before, 'the settings did not change');
  });

  it('shortcode: a product renders <pay-link-button> with the proxy and a fallback link to its buy page', async () => {
    const html = await render('[pay_link product="chai-tin" label="Buy now"]');
    assert.equal(
      html,
      `<pay-link-button proxy="${stack.proxyUrl}" product="chai-tin" label="Buy now"><a slot="fallback" href="${stack.proxyUrl}/buy/chai-tin">Buy now</a></pay-link-button>`,
    );
    // No label: the fallback link names the product from the proxy's config.
    assert.match(await render('[pay_link product="tasting-box" theme="dark" presentation="tab" quantity="2"]'), />Buy Tasting box, 6 teas<\/a>/);
    assert.equal(
      await render('[pay_link product="tasting-box" theme="dark" presentation="tab" quantity="2"]'),
      `<pay-link-button proxy="${stack.proxyUrl}" product="tasting-box" quantity="2" presentation="tab" theme="dark"><a slot="fallback" href="${stack.proxyUrl}/buy/tasting-box?quantity=2">Buy Tasting box, 6 teas</a></pay-link-button>`,
    );
  });

  it('shortcode: an intent renders the element with a fallback link to the pay page', async () => {
    const token = 'pli1.eyJhIjoxMjUwMDAwfQ.c2lnbmF0dXJl-_x';
    assert.equal(
      await render(`[pay_link intent="${token}"]`),
      `<pay-link-button proxy="${stack.proxyUrl}" intent="${token}"><a slot="fallback" href="${stack.proxyUrl}/pay/${token}">Pay now</a></pay-link-button>`,
    );
  });

  it('shortcode: hostile attributes are refused or escaped, never echoed as markup', async () => {
    // A product id outside [A-Za-z0-9._-]{1,64} gives no button: nothing for visitors, a note for editors.
    const hostileProduct = '[pay_link product="x\\" onmouseover=alert(1)"]';
    assert.equal(await render(hostileProduct), '');
    const asAdmin = await render(hostileProduct, 'admin');
    assert.doesNotMatch(asAdmin, /onmouseover|<pay-link-button/);
    assert.match(asAdmin, /<p class="pay-link-note" role="note">pay-link: this button needs a product id/);
    for (const id of ['../../etc', 'a b', 'x'.repeat(65), 'chai&tin', 'ß']) {
      assert.doesNotMatch(await render(`[pay_link product="${id}"]`), /<pay-link-button/, id);
    }

    // A label is text: tags are stripped, quotes and ampersands escaped.
    const hostileLabel = await render('[pay_link product="chai-tin" label="&quot;><script>alert(1)</script><img src=x onerror=alert(2)>"]');
    assert.doesNotMatch(hostileLabel, /<script|<img|onerror=alert/);
    assert.match(hostileLabel, /^<pay-link-button proxy="[^"]+" product="chai-tin" label="&quot;&gt;"><a slot="fallback" href="[^"]+">&quot;&gt;<\/a><\/pay-link-button>$/);
    assert.match(await render(`[pay_link product="chai-tin" label='Buy "Masala" chai & more']`), /label="Buy &quot;Masala&quot; chai &amp; more">.*>Buy &quot;Masala&quot; chai &amp; more<\/a>/);

    // Closed sets fall back to their defaults; an intent with characters a token never has is refused.
    assert.equal(
      await render('[pay_link product="chai-tin" theme="neon" presentation="javascript:alert(1)" quantity="-1"]'),
      `<pay-link-button proxy="${stack.proxyUrl}" product="chai-tin"><a slot="fallback" href="${stack.proxyUrl}/buy/chai-tin">Buy Masala chai tin, 250 g</a></pay-link-button>`,
    );
    assert.equal(await render('[pay_link intent="pli1.a\\"><script>"]'), '');
  });

  it('block: renders the element inside the block wrapper, with its attributes cleaned like the shortcode', async () => {
    assert.equal(
      await render('<!-- wp:pay-link/button {"product":"chai-tin","label":"Add to cart","theme":"dark"} /-->'),
      `<div class="wp-block-pay-link-button"><pay-link-button proxy="${stack.proxyUrl}" product="chai-tin" theme="dark" label="Add to cart"><a slot="fallback" href="${stack.proxyUrl}/buy/chai-tin">Add to cart</a></pay-link-button></div>`,
    );
    const hostile = await render('<!-- wp:pay-link/button {"product":"\\u0022\\u003e\\u003cimg src=x onerror=alert(1)\\u003e","label":"\\u003cscript\\u003ealert(1)\\u003c/script\\u003eOK"} /-->');
    assert.doesNotMatch(hostile, /<img|<script|onerror/);
    assert.doesNotMatch(hostile, /<pay-link-button/, 'an invalid product gives no button');
  });

  it('the script is enqueued, marked for the caching plugins, only on pages with a button', async () => {
    const ids = JSON.parse(
      await php(`echo wp_json_encode( array(
        'with' => wp_insert_post( array( 'post_title' => 'Chai', 'post_content' => '[pay_link product="chai-tin"]', 'post_status' => 'publish' ) ),
        'block' => wp_insert_post( array( 'post_title' => 'Box', 'post_content' => '<!-- wp:pay-link/button {"product":"tasting-box"} /-->', 'post_status' => 'publish' ) ),
        'without' => wp_insert_post( array( 'post_title' => 'About', 'post_content' => '<p>No button here.</p>', 'post_status' => 'publish' ) ),
      ) );`),
    );
    for (const key of ['with', 'block']) {
      const page = await (await fetch(`${wp.url}/?p=${ids[key]}`)).text();
      const tag = /<script[^>]*pay-link-button\.iife\.js[^>]*><\/script>/.exec(page)?.[0];
      assert.ok(tag, `the bundle on the ${key} page`);
      for (const mark of ['data-no-optimize="1"', 'data-noptimize="1"', 'data-no-defer="1"', 'data-no-minify="1"', 'data-cfasync="false"', 'nowprocket']) {
        assert.ok(tag.includes(mark), `${mark} on ${tag}`);
      }
      assert.match(tag, /src='http:\/\/127\.0\.0\.1:\d+\/wp-content\/plugins\/pay-link\/assets\/pay-link-button\.iife\.js\?ver=0\.1\.0'/);
      assert.ok(page.indexOf(tag) > page.indexOf('<pay-link-button'), 'in the footer, after the element');
    }
    const plain = await (await fetch(`${wp.url}/?p=${ids.without}`)).text();
    assert.match(plain, /No button here/);
    assert.doesNotMatch(plain, /pay-link-button|pay-link\/assets/);
    const home = await (await fetch(`${wp.url}/wp-login.php`)).text();
    assert.doesNotMatch(home, /pay-link\/assets/);
  });

  it('a language with a translation file brings it along', async () => {
    await setOption({ proxy_url: stack.proxyUrl, presentation: 'auto', lang: 'hi' });
    const id = (await php(`echo wp_insert_post( array( 'post_title' => 'Hindi', 'post_content' => '[pay_link product="chai-tin"]', 'post_status' => 'publish' ) );`)).trim();
    const page = await (await fetch(`${wp.url}/?p=${id}`)).text();
    assert.match(page, /<pay-link-button proxy="[^"]+" product="chai-tin" lang="hi">/);
    assert.match(page, /<script data-no-optimize="1"[^>]*src='[^']*\/pay-link\/assets\/translations\/hi\.js\?ver=0\.1\.0'/);
    await setOption({ proxy_url: stack.proxyUrl, presentation: 'auto', lang: '' });
  });

  it('nothing the plugin does leaves a PHP notice, warning or deprecation', () => {
    const lines = wp.debugLog().split('\n').filter((l) => /\/plugins\/pay-link\//.test(l));
    assert.deepEqual(lines, []);
  });

  it('uninstall removes the options', async () => {
    assert.equal(await php(`echo get_option( 'pay_link_proxy_config' ) ? 'set' : 'unset';`), 'set');
    const result = await php(`
      require_once ABSPATH . 'wp-admin/includes/plugin.php';
      deactivate_plugins( '${PLUGIN}' );
      uninstall_plugin( '${PLUGIN}' );
      echo wp_json_encode( array( get_option( 'pay_link_settings', 'gone' ), get_option( 'pay_link_proxy_config', 'gone' ) ) );`);
    assert.deepEqual(JSON.parse(result), ['gone', 'gone']);
  });
});
