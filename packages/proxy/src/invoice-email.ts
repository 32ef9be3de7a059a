/**
 * The invoice email a merchant sends: a "Pay ₹X" link to the proxy's pay page (`<publicUrl>/pay/<signed intent>`),
 * with the invoice number, its lines and the due date. HTML for mail clients (tables, inline styles, no script, no
 * stylesheet, no images) plus the plain-text alternative, and both wrapped as a MIME message if wanted.
 *
 * The signed intent fixes what is paid; the lines are only shown, so they must add up to the intent's amount. An
 * intent that carries line items (`Intent.lineItems`) gets them as its lines unless the caller passes others: the
 * email then lists what the pay page and the receipt list.
 *
 * @example
 * const email = createInvoiceEmail(
 *   { amount: { value: 1250000, currency: 'INR' }, reference: 'INV-2026-0042', description: 'Tea tasting for 12',
 *     customer: { name: 'Asha Rao', email: 'asha@example.com' }, expiresAt: new Date('2026-12-31T00:00:00Z') },
 *   { secret: process.env.PAY_LINK_INTENT_SECRET!, publicUrl: 'https://pay.example.com', merchant: 'Leaf & Kettle' },
 * );
 * await mailer.send({ to: 'asha@example.com', subject: email.subject, html: email.html, text: email.text });
 */
import { randomBytes } from 'node:crypto';
import type { Customer, LineItem, Money } from './contract.ts';
import { type Intent, signIntent } from './links/intent.ts';
import { formatMoney } from './money.ts';
import { escapeHtml } from './pages/escape-html.ts';

/** One line of the invoice, shown as it is; `amount` in minor units of the invoice's currency. */
export interface InvoiceLine {
  description: string;
  amount: number;
  /** Several of one thing: shown as "2 × ₹1,250.00" under the description; `amount` is then the line's total. */
  quantity?: number;
  /** The price of one, minor units; goes with `quantity`. */
  unitAmount?: number;
}

/** An intent's line items as invoice lines: `amount` per unit there, the line's total here. */
export function linesFromItems(items: readonly LineItem[]): InvoiceLine[] {
  return items.map((item) => ({
    description: item.name,
    amount: item.quantity * item.amount,
    ...(item.quantity === 1 ? {} : { quantity: item.quantity, unitAmount: item.amount }),
  }));
}

export interface InvoiceEmailInput {
  /** The pay page the button links to: `<publicUrl>/pay/<token>`. */
  payUrl: string;
  amount: Money;
  /** Invoice number. */
  reference: string;
  description: string;
  /** Default: one line, the description and the whole amount. Must add up to `amount`. */
  lines?: readonly InvoiceLine[];
  /** The merchant's name, as the buyer knows it. Default: none (the email then names no sender). */
  merchant?: string;
  customer?: Customer;
  issuedAt: Date;
  /** The date to pay by. The pay link itself works until the intent expires, which should not be earlier. */
  dueAt: Date;
  /** Number and date formats. Default: `en`. */
  locale?: string;
  /** Time zone the dates are shown in. Default: `UTC`. */
  timeZone?: string;
}

export interface InvoiceEmail {
  subject: string;
  html: string;
  /** The plain-text alternative, for clients (and people) that do not show HTML. */
  text: string;
}

/** Thrown for an invoice that cannot be written truthfully (lines that do not add up, a link that is not http(s)). */
export class InvoiceEmailError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvoiceEmailError';
  }
}

/** Signs the intent (as `pay-link intent` does) and writes the email linking to its pay page. */
export function createInvoiceEmail(
  intent: Intent,
  options: Omit<InvoiceEmailInput, 'payUrl' | 'amount' | 'reference' | 'description' | 'customer' | 'issuedAt' | 'dueAt'> & {
    secret: string;
    /** Where the proxy serves `/pay/…`, without a trailing slash. */
    publicUrl: string;
    /** Default: now. */
    issuedAt?: Date;
    /** Default: the intent's expiry. */
    dueAt?: Date;
  },
): InvoiceEmail & { token: string; payUrl: string } {
  const { secret, publicUrl, issuedAt = new Date(), dueAt = intent.expiresAt, lines = intent.lineItems && linesFromItems(intent.lineItems), ...rest } = options;
  if (dueAt.getTime() > intent.expiresAt.getTime()) {
    throw new InvoiceEmailError('the due date is after the pay link expires; extend the expiry or bring the due date forward');
  }
  const token = signIntent(intent, secret);
  const payUrl = `${publicUrl.replace(/\/+$/, '')}/pay/${token}`;
  const email = renderInvoiceEmail({
    ...rest,
    lines,
    payUrl,
    amount: intent.amount,
    reference: intent.reference,
    description: intent.description,
    customer: intent.customer,
    issuedAt,
    dueAt,
  });
  return { ...email, token, payUrl };
}

/** Writes the email for a pay link that already exists. Pure: the same input gives the same email. */
export function renderInvoiceEmail(input: InvoiceEmailInput): InvoiceEmail {
  const link = new URL(input.payUrl);
  if (link.protocol !== 'https:' && link.protocol !== 'http:') throw new InvoiceEmailError(`the pay link must be http(s), got ${link.protocol}`);
  const { currency } = input.amount;
  const lines = input.lines?.length ? input.lines : [{ description: input.description, amount: input.amount.value }];
  const sum = lines.reduce((total, line) => total + line.amount, 0);
  const wrongLine = lines.find((line) => line.quantity !== undefined && line.unitAmount !== undefined && line.quantity * line.unitAmount !== line.amount);
  if (wrongLine) throw new InvoiceEmailError(`the line "${wrongLine.description}" says ${wrongLine.quantity} × ${formatMoney({ value: wrongLine.unitAmount!, currency })} but is for ${formatMoney({ value: wrongLine.amount, currency })}`);
  if (lines.some((line) => !Number.isSafeInteger(line.amount) || line.amount < 0) || sum !== input.amount.value) {
    throw new InvoiceEmailError(
      `the lines add up to ${formatMoney({ value: sum, currency })}, but the invoice is for ${formatMoney(input.amount)}`,
    );
  }
  const locale = input.locale ?? 'en';
  const money = (value: number) => formatMoney({ value, currency }, locale);
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: input.timeZone ?? 'UTC' });
  const total = money(input.amount.value);
  const due = date.format(input.dueAt);
  const from = input.merchant?.trim() || undefined;
  const greetingName = input.customer?.name?.trim();

  const subject = `Invoice ${input.reference}${from ? ` from ${from}` : ''}: ${total} due ${due}`;
  const intro = `${from ? `${from} has sent you` : 'Here is'} invoice ${input.reference} for ${total}, due ${due}.`;
  const facts: [string, string][] = [
    ['Invoice number', input.reference],
    ['Issued', date.format(input.issuedAt)],
    ['Due', due],
  ];
  const footer = `The button opens ${from ? `${from}'s` : 'the'} payment page at ${link.host}, which shows this invoice and whether it has been paid. Payment is taken by the merchant's payment provider; nobody will ask you for card details by email.`;

  return {
    subject,
    html: renderHtml({ subject, reference: input.reference, intro, greetingName, from, facts, description: input.description, lines, money, total, payUrl: link.href, footer, lang: locale }),
    text: [
      `${greetingName ? `Hello ${greetingName},` : 'Hello,'}`,
      '',
      intro,
      '',
      input.description,
      '',
      ...facts.map(([label, value]) => `${label}: ${value}`),
      '',
      ...lines.map((line) => `  ${line.description}${perUnit(line, money) ? ` (${perUnit(line, money)})` : ''}: ${money(line.amount)}`),
      `  Total: ${total}`,
      '',
      `Pay ${total}:`,
      link.href,
      '',
      footer,
      '',
    ].join('\n'),
  };
}

/** "2 × ₹1,250.00" for a line of several, else nothing. */
function perUnit(line: InvoiceLine, money: (value: number) => string): string | undefined {
  return line.quantity !== undefined && line.quantity !== 1 && line.unitAmount !== undefined ? `${line.quantity} × ${money(line.unitAmount)}` : undefined;
}

const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const INK = '#111827';
const MUTED = '#6b7280';
const RULE = '#e5e7eb';
const ACCENT = '#1d4ed8';

function renderHtml(v: {
  subject: string;
  reference: string;
  intro: string;
  greetingName: string | undefined;
  from: string | undefined;
  facts: [string, string][];
  description: string;
  lines: readonly InvoiceLine[];
  money: (value: number) => string;
  total: string;
  payUrl: string;
  footer: string;
  lang: string;
}): string {
  const e = escapeHtml;
  const cell = `font-family:${FONT};font-size:15px;line-height:22px;color:${INK};`;
  const facts = v.facts
    .map(
      ([label, value]) =>
        `<tr><td style="${cell}color:${MUTED};padding:2px 16px 2px 0;white-space:nowrap;">${e(label)}</td><td style="${cell}padding:2px 0;">${e(value)}</td></tr>`,
    )
    .join('\n');
  const lines = v.lines
    .map(
      (line) =>
        `<tr><td style="${cell}padding:10px 0;border-top:1px solid ${RULE};">${e(line.description)}${
          perUnit(line, v.money) ? `<br><span style="font-size:13px;line-height:19px;color:${MUTED};">${e(perUnit(line, v.money)!)}</span>` : ''
        }</td><td align="right" style="${cell}padding:10px 0 10px 16px;border-top:1px solid ${RULE};white-space:nowrap;">${e(v.money(line.amount))}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="${e(v.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<meta name="color-scheme" content="light">
<meta name="supported-color-schemes" content="light">
<title>${e(v.subject)}</title>
</head>
<body style="margin:0;padding:0;background-color:#f3f4f6;">
<div style="display:none;max-height:0;overflow:hidden;opacity:0;">${e(v.intro)}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f3f4f6;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:560px;background-color:#ffffff;border:1px solid ${RULE};border-radius:8px;">
<tr><td style="padding:28px 28px 0;">
${v.from ? `<p style="margin:0 0 4px;font-family:${FONT};font-size:13px;line-height:18px;letter-spacing:0.06em;text-transform:uppercase;color:${MUTED};">${e(v.from)}</p>\n` : ''}<h1 style="margin:0 0 16px;font-family:${FONT};font-size:22px;line-height:28px;font-weight:700;color:${INK};">Invoice ${e(v.reference)}</h1>
<p style="margin:0 0 8px;${cell}">${e(v.greetingName ? `Hello ${v.greetingName},` : 'Hello,')}</p>
<p style="margin:0 0 20px;${cell}">${e(v.intro)}</p>
<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 20px;">
${facts}
</table>
</td></tr>
<tr><td style="padding:0 28px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">
<tr><td colspan="2" style="${cell}font-weight:600;padding:0 0 8px;">${e(v.description)}</td></tr>
${lines}
<tr><td style="${cell}font-weight:700;padding:12px 0;border-top:2px solid ${INK};">Total</td><td align="right" style="${cell}font-weight:700;padding:12px 0 12px 16px;border-top:2px solid ${INK};white-space:nowrap;">${e(v.total)}</td></tr>
</table>
</td></tr>
<tr><td align="center" style="padding:16px 28px 8px;">
<table role="presentation" cellpadding="0" cellspacing="0" border="0"><tr>
<td align="center" bgcolor="${ACCENT}" style="border-radius:6px;background-color:${ACCENT};">
<a href="${e(v.payUrl)}" style="display:inline-block;padding:14px 32px;font-family:${FONT};font-size:16px;line-height:20px;font-weight:700;color:#ffffff;text-decoration:none;border-radius:6px;">Pay ${e(v.total)}</a>
</td>
</tr></table>
</td></tr>
<tr><td style="padding:8px 28px 24px;">
<p style="margin:0;font-family:${FONT};font-size:13px;line-height:19px;color:${MUTED};">Button not working? Copy this address into your browser:<br><a href="${e(v.payUrl)}" style="color:${ACCENT};word-break:break-all;">${e(v.payUrl)}</a></p>
</td></tr>
<tr><td style="padding:16px 28px 28px;border-top:1px solid ${RULE};">
<p style="margin:0;font-family:${FONT};font-size:12px;line-height:18px;color:${MUTED};">${e(v.footer)}</p>
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
}

/**
 * The email as a MIME message (`.eml`): multipart/alternative with the text part first and the HTML part second,
 * each UTF-8 in base64; non-ASCII headers as RFC 2047 encoded words. Open it in a mail client, or hand it to an
 * SMTP library that takes raw messages.
 */
export function toMimeMessage(email: InvoiceEmail, headers: { from?: string; to?: Customer; date?: Date } = {}): string {
  const boundary = `=_pay-link_${randomBytes(12).toString('hex')}`;
  const head: string[] = [];
  if (headers.from) head.push(`From: ${encodeMailbox(headers.from)}`);
  if (headers.to?.email) head.push(`To: ${encodeMailbox(headers.to.name ? `${headers.to.name} <${headers.to.email}>` : headers.to.email)}`);
  head.push(
    `Subject: ${encodeWords(email.subject)}`,
    `Date: ${(headers.date ?? new Date()).toUTCString().replace('GMT', '+0000')}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  );
  const part = (type: string, body: string) =>
    [`--${boundary}`, `Content-Type: ${type}; charset=utf-8`, 'Content-Transfer-Encoding: base64', '', wrap(Buffer.from(body, 'utf8').toString('base64'))].join('\r\n');
  return [...head, '', part('text/plain', email.text), part('text/html', email.html), `--${boundary}--`, ''].join('\r\n');
}

/** `Name <addr>` with the name encoded when it is not plain ASCII; header line breaks are refused. */
function encodeMailbox(mailbox: string): string {
  if (/[\r\n]/.test(mailbox)) throw new InvoiceEmailError('a mail header cannot contain a line break');
  const match = /^(.*?)\s*<([^<>\s]+@[^<>\s]+)>$/.exec(mailbox.trim());
  if (!match) {
    if (!/^[^<>\s@]+@[^<>\s@]+$/.test(mailbox.trim())) throw new InvoiceEmailError(`not an email address: ${mailbox}`);
    return mailbox.trim();
  }
  const [, name, address] = match;
  if (!name) return `<${address}>`;
  return `${/^[\x20-\x7e]*$/.test(name) && !/["\\]/.test(name) ? `"${name}"` : encodeWords(name)} <${address}>`;
}

/** RFC 2047 `=?UTF-8?B?…?=` words of at most 45 bytes each (75 characters encoded), or the text when it is ASCII. */
function encodeWords(text: string): string {
  if (/[\r\n]/.test(text)) throw new InvoiceEmailError('a mail header cannot contain a line break');
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  const words: string[] = [];
  let chunk = '';
  for (const char of text) {
    if (Buffer.byteLength(chunk + char) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`).join('\r\n ');
}

function wrap(base64: string): string {
  return base64.replace(/.{1,76}/g, '$&\r\n').trimEnd();
}
