/**
 * `/pay.js`: the pages' only script of their own. It keeps the status rows (`payment-status.ts`) in step with the
 * page's `<pay-link-button>`: on every `pay-link-status` event it reads the element's `link` (the view the status
 * came from: amount paid, paid at, id) and rewrites the rows with the words the server uses, in the page's
 * language (`<html lang>`; every language's status words travel in this script), in the same task as the
 * element's own change, so no frame shows the two disagreeing. Once paid, the rows become the receipt in place,
 * with a link to the printable receipt (`/receipts/<link id>`).
 *
 * On every page (the receipt too) it shows each paid-at `<time>` in the buyer's zone, with UTC after it, and
 * turns on the receipt's print button (a page without script prints from the browser's menu just the same).
 *
 * Announcing is left to the element: its status line is the page's one polite live region, and it announces the
 * paid state once. The rows change silently, so nothing is read out twice.
 *
 * A same-origin file rather than an inline script, so the pages' CSP stays `script-src 'self'`. Plain JavaScript
 * for current browsers, written out as it is served (a build step would be the only reason for one).
 */
import { STATUS_TEXTS } from './translations.ts';

export const LIVE_STATUS_SCRIPT = `(() => {
  'use strict';
  const TEXTS = ${JSON.stringify(STATUS_TEXTS)};
  const lang = document.documentElement.lang || 'en';
  const TEXT = TEXTS[lang] || TEXTS.en;
  const setText = (node, text) => {
    if (node.textContent !== text) node.textContent = text;
  };

  // "14 Dec 2026, 3:04 pm IST", then "(14 Dec 2026, 9:34 am UTC)" on a line of its own (the page's CSS keeps the
  // line break). The browser's own locale when it speaks the page's language (en-IN and en-US write dates
  // differently), else the page's; UTC alone where that is the buyer's zone.
  const browser = navigator.language || lang;
  const locale = browser.toLowerCase().split('-')[0] === lang ? browser : lang;
  const paidAtText = (iso) => {
    const at = new Date(iso);
    if (Number.isNaN(at.getTime())) return null;
    const style = { dateStyle: 'medium', timeStyle: 'short' };
    const utc = new Intl.DateTimeFormat(locale, { ...style, timeZone: 'UTC' }).format(at) + ' UTC';
    const zone = new Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone === 'UTC' || zone === 'Etc/UTC') return utc;
    const zoneName = new Intl.DateTimeFormat(locale, { timeZoneName: 'short' }).formatToParts(at).find((part) => part.type === 'timeZoneName');
    return new Intl.DateTimeFormat(locale, style).format(at) + (zoneName ? ' ' + zoneName.value : '') + '\\n(' + utc + ')';
  };
  const localize = (time) => {
    const text = paidAtText(time.dateTime);
    if (text) setText(time, text);
  };
  for (const time of document.querySelectorAll('time[datetime]')) localize(time);

  for (const button of document.querySelectorAll('button[data-print]')) {
    button.hidden = false;
    button.addEventListener('click', () => window.print());
  }

  const facts = document.querySelector('dl[data-live-status]');
  if (!facts) return;
  const currency = facts.dataset.currency;
  const exponent = Number(facts.dataset.exponent);
  // As the server's money.ts formats: the ISO exponent decides the decimals, the page's language the rest.
  const number = new Intl.NumberFormat(lang, { style: 'currency', currency, minimumFractionDigits: exponent, maximumFractionDigits: exponent });
  const money = (minor) => number.format(minor / 10 ** exponent);
  const row = (name) => facts.querySelector('[data-row="' + name + '"]');
  const cell = (name) => row(name).querySelector('dd');
  const receiptLink = document.querySelector('[data-receipt-link]');

  const show = (view) => {
    const status = view.status;
    if (!Object.hasOwn(TEXT, status)) return;
    const paid = status === 'paid';
    const partly = status === 'partially_paid';
    const received = paid && view.amountPaid === 0 ? view.amount.value : view.amountPaid;
    const statusCell = cell('status');
    setText(statusCell, TEXT[status].replace('{paid}', money(received)));
    statusCell.classList.toggle('paid', paid);

    row('due').hidden = !partly;
    if (partly) setText(cell('due'), money(Math.max(0, view.amount.value - view.amountPaid)));

    row('paid-at').hidden = !(paid && view.paidAt);
    if (paid && view.paidAt) {
      let time = cell('paid-at').querySelector('time');
      if (!time) time = cell('paid-at').appendChild(document.createElement('time'));
      if (time.dateTime !== view.paidAt) {
        time.dateTime = view.paidAt;
        localize(time);
      }
    }
    row('receipt').hidden = !paid;
    if (receiptLink) receiptLink.hidden = !paid;
    if (paid) {
      setText(cell('receipt').querySelector('code'), view.id);
      if (receiptLink) receiptLink.querySelector('a').href = '/receipts/' + encodeURIComponent(view.id) + (facts.dataset.receiptQuery || '');
      const eyebrow = document.querySelector('[data-eyebrow]');
      if (eyebrow) setText(eyebrow, eyebrow.dataset.eyebrow);
      if (facts.dataset.paidTitle) document.title = facts.dataset.paidTitle;
    }
  };

  document.addEventListener('pay-link-status', (event) => {
    const view = event.target && event.target.link;
    if (view) show(view);
  });
})();
`;
