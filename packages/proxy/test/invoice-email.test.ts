import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CliError, runInvoiceEmail } from '../src/cli.ts';
import { ConfigError } from '../src/config.ts';
import { InvoiceEmailError, createInvoiceEmail, renderInvoiceEmail, toMimeMessage, type InvoiceEmailInput } from '../src/invoice-email.ts';
import { verifyIntent } from '../src/links/intent.ts';
import { startTestProxy, testConfig } from './helpers.ts';

const SECRET = 'intent_secret_0123456789abcdef0123456789';
const NOW = Date.UTC(2026, 10, 20, 9, 30);
const PAY_URL = 'https://pay.example.com/pay/pli1.eyJhIjoxfQ.c2lnbmF0dXJlc2lnbmF0dXJlc2ln';

const INVOICE: InvoiceEmailInput = {
  payUrl: PAY_URL,
  amount: { value: 1250000, currency: 'INR' },
  reference: 'INV-2026-0042',
  description: 'Tea tasting for 12, 14 December',
  lines: [
    { description: 'Guided tasting, 12 guests', amount: 1020000 },
    { description: 'Tea flight & snacks', amount: 230000 },
  ],
  merchant: 'Leaf & Kettle',
  customer: { name: 'Asha Rao', email: 'asha@example.com' },
  issuedAt: new Date(NOW),
  dueAt: new Date(Date.UTC(2026, 11, 4, 12)),
  locale: 'en-IN',
};

/** The hrefs of every link in the HTML, unescaped. */
const hrefs = (html: string) => [...html.matchAll(/<a\b[^>]*\bhref="([^"]*)"/g)].map((m) => m[1]!.replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c))));
/** The visible text of the HTML, roughly: tags dropped, entities decoded, whitespace collapsed. */
const visibleText = (html: string) =>
  html
    .replace(/<title>[\s\S]*?<\/title>/, '')
    .replace(/<div style="display:none[^>]*>[\s\S]*?<\/div>/, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c)))
    .replace(/\s+/g, ' ');

describe('invoice email', () => {
  it('shows the invoice number, lines, total and due date, with a "Pay ₹X" link to the pay page', () => {
    const { subject, html, text } = renderInvoiceEmail(INVOICE);
    assert.equal(subject, 'Invoice INV-2026-0042 from Leaf & Kettle: ₹12,500.00 due 4 Dec 2026');
    const shown = visibleText(html);
    for (const part of [
      'Leaf & Kettle',
      'Invoice INV-2026-0042',
      'Hello Asha Rao,',
      'Invoice number INV-2026-0042',
      'Issued 20 Nov 2026',
      'Due 4 Dec 2026',
      'Guided tasting, 12 guests ₹10,200.00',
      'Tea flight & snacks ₹2,300.00',
      'Total ₹12,500.00',
      'Pay ₹12,500.00',
      'payment page at pay.example.com',
    ]) {
      assert.ok(shown.includes(part), `the email shows "${part}"`);
    }
    // The button and the copyable fallback both go to the pay page, and nothing else is linked.
    assert.deepEqual(hrefs(html), [PAY_URL, PAY_URL]);
    assert.match(html, /<a href="[^"]+" style="[^"]+">Pay ₹12,500\.00<\/a>/);

    for (const line of [
      'Hello Asha Rao,',
      'Invoice number: INV-2026-0042',
      'Due: 4 Dec 2026',
      '  Guided tasting, 12 guests: ₹10,200.00',
      '  Total: ₹12,500.00',
      PAY_URL,
    ]) {
      assert.ok(text.split('\n').includes(line), `the text alternative has the line "${line}"`);
    }
  });

  it('is mail-client HTML: tables and inline styles, no script, no stylesheet, no class, no image', () => {
    const { html } = renderInvoiceEmail(INVOICE);
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /<meta charset="utf-8">/);
    assert.match(html, /<table role="presentation"/);
    for (const banned of [/<script/i, /<style/i, /<link/i, /<img/i, /\sclass=/i, /\son[a-z]+=/i, /javascript:/i]) {
      assert.doesNotMatch(html, banned);
    }
    // Every visible block carries its own style.
    for (const tag of html.matchAll(/<(p|h1|a|td)\b[^>]*>/g)) assert.match(tag[0], /style="/, tag[0]);
  });

  it('escapes what the merchant and the buyer wrote', () => {
    const { html, subject } = renderInvoiceEmail({
      ...INVOICE,
      merchant: '<b>Evil</b> "Co"',
      description: '<script>alert(1)</script>',
      customer: { name: '<img src=x onerror=alert(1)>' },
      lines: undefined,
    });
    assert.doesNotMatch(html, /<script|<img|<b>/);
    assert.match(html, /&#60;script&#62;alert\(1\)&#60;\/script&#62;/);
    assert.match(subject, /from <b>Evil<\/b> "Co"/); // the subject is a header, not HTML
  });

  it('formats amounts from minor units with the currency exponent (JPY 0, KWD 3, IDR 2)', () => {
    const shown = (value: number, currency: string) => visibleText(renderInvoiceEmail({ ...INVOICE, amount: { value, currency }, lines: undefined, locale: 'en' }).html);
    assert.match(shown(5000, 'JPY'), /Pay ¥5,000 /);
    assert.match(shown(1234, 'KWD'), /Pay KWD 1\.234 /);
    assert.match(shown(15000000, 'IDR'), /Pay IDR 150,000\.00 /);
    assert.match(shown(4900, 'USD'), /Pay \$49\.00 /);
  });

  it('refuses lines that do not add up to the signed amount, and a pay link that is not http(s)', () => {
    assert.throws(
      () => renderInvoiceEmail({ ...INVOICE, lines: [{ description: 'Tasting', amount: 1000000 }] }),
      (err: unknown) => err instanceof InvoiceEmailError && /add up to ₹10,000\.00, but the invoice is for ₹12,500\.00/.test(err.message),
    );
    assert.throws(() => renderInvoiceEmail({ ...INVOICE, lines: [{ description: 'A', amount: 1250001 }, { description: 'B', amount: -1 }] }), InvoiceEmailError);
    assert.throws(() => renderInvoiceEmail({ ...INVOICE, payUrl: 'javascript:alert(1)' }), InvoiceEmailError);
  });

  it('lists an intent\'s line items as its lines, "2 × ₹1,250.00" under a line of several, and signs them in', () => {
    const expiresAt = new Date(NOW + 30 * 86_400_000);
    const lineItems = [
      { name: 'Guided tasting, 12 guests', quantity: 1, amount: 1000000 },
      { name: 'Tea tin <gift>', quantity: 2, amount: 125000 },
    ];
    const email = createInvoiceEmail(
      { amount: INVOICE.amount, reference: INVOICE.reference, description: INVOICE.description, lineItems, expiresAt },
      { secret: SECRET, publicUrl: 'https://pay.example.com', locale: 'en-IN', issuedAt: new Date(NOW) },
    );
    const shown = visibleText(email.html);
    assert.match(shown, /Guided tasting, 12 guests ₹10,000\.00 /);
    assert.match(shown, /Tea tin <gift> 2 × ₹1,250\.00 ₹2,500\.00 /);
    assert.ok(email.html.includes('Tea tin &#60;gift&#62;'), 'escaped');
    assert.ok(email.text.includes('  Tea tin <gift> (2 × ₹1,250.00): ₹2,500.00\n'));
    assert.deepEqual(verifyIntent(email.token, [SECRET], NOW).lineItems, lineItems, 'the pay page gets the same items');
    // Lines passed in win; a line whose quantity × unit is not its amount is refused.
    assert.doesNotMatch(createInvoiceEmail({ ...verifyIntent(email.token, [SECRET], NOW) }, { secret: SECRET, publicUrl: 'https://pay.example.com', lines: INVOICE.lines }).text, /Tea tin/);
    assert.throws(
      () => renderInvoiceEmail({ ...INVOICE, lines: [{ description: 'A', amount: 1250000, quantity: 3, unitAmount: 400000 }] }),
      (err: unknown) => err instanceof InvoiceEmailError && /the line "A" says 3 × ₹4,000\.00 but is for ₹12,500\.00/.test(err.message),
    );
  });

  it('createInvoiceEmail signs an intent the proxy accepts, and links to its pay page', () => {
    const expiresAt = new Date(NOW + 30 * 86_400_000);
    const email = createInvoiceEmail(
      { amount: INVOICE.amount, reference: INVOICE.reference, description: INVOICE.description, customer: INVOICE.customer, expiresAt },
      { secret: SECRET, publicUrl: 'https://pay.example.com/', merchant: 'Leaf & Kettle', lines: INVOICE.lines, issuedAt: new Date(NOW) },
    );
    assert.equal(email.payUrl, `https://pay.example.com/pay/${email.token}`);
    assert.deepEqual(hrefs(email.html), [email.payUrl, email.payUrl]);
    const intent = verifyIntent(email.token, [SECRET], NOW);
    assert.deepEqual(intent.amount, { value: 1250000, currency: 'INR' });
    assert.equal(intent.reference, 'INV-2026-0042');
    assert.equal(intent.expiresAt.getTime(), Math.floor(expiresAt.getTime() / 1000) * 1000);
    // Due defaults to the link's expiry; a due date after it would promise a link that no longer works.
    assert.match(email.subject, /due Dec 20, 2026$/);
    assert.throws(
      () => createInvoiceEmail({ ...intent, expiresAt }, { secret: SECRET, publicUrl: 'https://pay.example.com', dueAt: new Date(expiresAt.getTime() + 1) }),
      InvoiceEmailError,
    );
  });

  it('toMimeMessage: multipart/alternative, text then HTML, UTF-8 headers encoded, no header injection', () => {
    const email = renderInvoiceEmail(INVOICE);
    const mime = toMimeMessage(email, { from: 'Leaf & Kettle <billing@leaf.example>', to: INVOICE.customer, date: new Date(NOW) });
    const [head, ...rest] = mime.split('\r\n\r\n');
    const headers = head!.split('\r\n');
    assert.ok(headers.includes('From: "Leaf & Kettle" <billing@leaf.example>'));
    assert.ok(headers.includes('To: "Asha Rao" <asha@example.com>'));
    assert.ok(headers.includes('Date: Fri, 20 Nov 2026 09:30:00 +0000'));
    assert.ok(headers.every((line) => /^[\x20-\x7e]*$/.test(line) && line.length <= 998), 'headers are 7-bit ASCII');
    const subject = head!.match(/^Subject: ([\s\S]*?)\r\n(?!\s)/m)![1]!;
    const decoded = [...subject.matchAll(/=\?UTF-8\?B\?([^?]+)\?=/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('utf8')).join('');
    assert.equal(decoded, email.subject);
    assert.ok(subject.split('\r\n').every((word) => word.trim().length <= 75), 'encoded words are at most 75 characters');

    const boundary = head!.match(/boundary="([^"]+)"/)![1]!;
    const parts = rest.join('\r\n\r\n').split(`--${boundary}`).slice(1, -1);
    assert.equal(parts.length, 2);
    const body = (part: string) => Buffer.from(part.split('\r\n\r\n')[1]!.replace(/\r\n/g, ''), 'base64').toString('utf8');
    assert.match(parts[0]!, /Content-Type: text\/plain; charset=utf-8/);
    assert.equal(body(parts[0]!), email.text);
    assert.match(parts[1]!, /Content-Type: text\/html; charset=utf-8/);
    assert.equal(body(parts[1]!), email.html);
    assert.ok(mime.endsWith(`--${boundary}--\r\n`));

    assert.throws(() => toMimeMessage(email, { to: { name: 'A\r\nBcc: everyone@example.com', email: 'a@example.com' } }), InvoiceEmailError);
    assert.throws(() => toMimeMessage(email, { from: 'not an address' }), InvoiceEmailError);
  });
});

describe('pay-link invoice-email', () => {
  const env = { PAY_LINK_INTENT_SECRET: SECRET, PAY_LINK_PUBLIC_URL: 'https://pay.example.com' };
  const run = (args: string[]) => {
    const files = new Map<string, string>();
    const out = runInvoiceEmail(args, { env, now: NOW, writeFile: (path, content) => files.set(path, content) });
    return { out, files };
  };
  const usageError = (pattern: RegExp) => (err: unknown) => err instanceof CliError && err.exitCode === 2 && pattern.test(err.message);

  it('signs the intent from the lines and writes HTML, text or .eml by the --out extension', () => {
    const args = ['--reference', 'INV-2026-0042', '--line', 'Guided tasting, 12 guests=10200.00', '--line', 'Tea flight & snacks=2300.00',
      '--description', 'Tea tasting for 12', '--merchant', 'Leaf & Kettle', '--name', 'Asha Rao', '--email', 'asha@example.com', '--expires-in', '14d'];

    const html = run(args).out;
    const [payUrl] = hrefs(html);
    assert.match(payUrl!, /^https:\/\/pay\.example\.com\/pay\/pli1\./);
    const intent = verifyIntent(payUrl!.split('/pay/')[1]!, [SECRET], NOW);
    assert.deepEqual(intent.amount, { value: 1250000, currency: 'INR' }, 'the amount is the sum of the lines');
    assert.deepEqual(intent.customer, { name: 'Asha Rao', email: 'asha@example.com' });
    assert.equal(intent.expiresAt.getTime(), NOW + 14 * 86_400_000);
    assert.match(visibleText(html), /Due Dec 4, 2026/);

    const eml = run([...args, '--out', 'invoice.eml', '--from', 'billing@leaf.example']);
    assert.match(eml.out, /^Wrote invoice\.eml \(eml\): Invoice INV-2026-0042 from Leaf & Kettle: ₹12,500\.00 due Dec 4, 2026\nhttps:\/\/pay\.example\.com\/pay\/pli1\./);
    assert.match(eml.files.get('invoice.eml')!, /^From: billing@leaf\.example\r\nTo: "Asha Rao" <asha@example\.com>\r\n/);
    assert.match(eml.files.get('invoice.eml')!, /Content-Type: multipart\/alternative/);

    const text = run([...args, '--out', 'invoice.txt']).files.get('invoice.txt')!;
    assert.ok(text.includes('  Total: ₹12,500.00\n'));
    assert.ok(run([...args, '--out', 'invoice.html']).files.get('invoice.html')!.startsWith('<!doctype html>'));
  });

  it('takes --amount alone, --due, --locale and --time-zone', () => {
    const { out } = run(['--reference', 'INV-9', '--amount', '499', '--due', '2026-11-30', '--locale', 'en-US', '--time-zone', 'Asia/Kolkata']);
    const shown = visibleText(out);
    assert.match(shown, /Invoice INV-9 ₹499\.00/, 'one line: the description and the whole amount');
    assert.match(shown, /Due Nov 30, 2026/);
    assert.match(shown, /Issued Nov 20, 2026/);
  });

  it('refuses what would make a wrong invoice, naming the flag', () => {
    const cases: [string[], RegExp][] = [
      [['--amount', '100.00'], /--reference is required/],
      [['--reference', 'INV-1'], /--amount is required/],
      [['--reference', 'INV-1', '--line', 'Tasting 1000.00'], /--line: expected "description=amount"/],
      [['--reference', 'INV-1', '--line', 'Tasting=10.001'], /--line: expected "description=amount"/],
      [['--reference', 'INV-1', '--amount', '100.00', '--line', 'Tasting=90.00'], /lines add up to ₹90\.00, but the invoice is for ₹100\.00/],
      [['--reference', 'INV-1', '--amount', '100.00', '--due', '2027-01-01'], /--due 2027-01-01 is after the pay link expires \(2026-12-20\)/],
      [['--reference', 'INV-1', '--amount', '100.00', '--due', '2026-02-30'], /--due: expected a date/],
      [['--reference', 'INV-1', '--amount', '100.00', '--time-zone', 'Mars/Olympus'], /--time-zone not known/],
      [['--reference', 'bad reference!', '--amount', '100.00'], /^--reference: a reference of 1 to 40/],
      [['--reference', 'INV-1', '--amount', '100.00', '--email', 'nope'], /^--email: /],
      [['--reference', 'INV-1', '--amount', '100.00', '--out', 'x.eml', '--from', 'Leaf & Kettle'], /not an email address/],
    ];
    for (const [args, message] of cases) assert.throws(() => run(args), usageError(message), args.join(' '));
    assert.throws(() => run(['--reference', 'INV-1', '--amount', '1', '--colour', 'blue']), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' });
    assert.throws(
      () => runInvoiceEmail(['--reference', 'INV-1', '--amount', '1'], { env: {}, now: NOW }),
      (err: unknown) => err instanceof ConfigError && /PAY_LINK_INTENT_SECRET: required/.test(err.message),
    );
  });

  it('links to a pay page the proxy serves, showing this invoice', async () => {
    const proxy = await startTestProxy(testConfig({ PAY_LINK_INTENT_SECRET: SECRET }));
    try {
      const html = runInvoiceEmail(['--reference', 'INV-2026-0043', '--amount', '1234.56', '--description', 'Design review'], {
        env: { PAY_LINK_INTENT_SECRET: SECRET, PAY_LINK_PUBLIC_URL: proxy.url },
      });
      const [payUrl] = hrefs(html);
      const page = await fetch(payUrl!);
      assert.equal(page.status, 200);
      const shown = visibleText(await page.text());
      assert.match(shown, /Design review/);
      assert.match(shown, /Reference INV-2026-0043/);
      assert.match(shown, /Amount ₹1,234\.56/);
      assert.match(shown, /Not paid yet/);
    } finally {
      await proxy.close();
    }
  });
});
