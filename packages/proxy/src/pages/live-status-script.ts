/**
 * `/pay.js`: the pages' only script of their own. It keeps the status rows (`payment-status.ts`) in step with the
 * page's `<pay-link-button>`: on every `pay-link-status` event it reads the element's `link` (the view the status
 * came from: amount paid, paid at, id) and rewrites the rows with the words the server uses, in the same task as
 * the element's own change, so no frame shows the two disagreeing. Once paid, the rows become the receipt in place.
 * It also shows the paid-at time in the buyer's locale and zone, with UTC after it.
 *
 * Announcing is left to the element: its status line is the page's one polite live region, and it announces the
 * paid state once. The rows change silently, so nothing is read out twice.
 *
 * A same-origin file rather than an inline script, so the pages' CSP stays `script-src 'self'`. Plain JavaScript
 * for current browsers, written out as it is served (a build step would be the only reason for one).
 */
import { STATUS_TEXT } from './payment-status.ts';

export const LIVE_STATUS_SCRIPT = `(() => {
  'use strict';
  const facts = document.querySelector('dl[data-live-status]');
  if (!facts) return;
  const TEXT = ${JSON.stringify(STATUS_TEXT)};
  const lang = document.documentElement.lang || 'en';
  const currency = facts.dataset.currency;
  const exponent = Number(facts.dataset.exponent);
  // As the server's money.ts formats: the ISO exponent decides the decimals, the page's language the rest.
  const number = new Intl.NumberFormat(lang, { style: 'currency', currency, minimumFractionDigits: exponent, maximumFractionDigits: exponent });
  const money = (minor) => number.format(minor / 10 ** exponent);
  const row = (name) => facts.querySelector('[data-row="' + name + '"]');
  const cell = (name) => row(name).querySelector('dd');
  const setText = (node, text) => {
    if (node.textContent !== text) node.textContent = text;
  };

  // "14 Dec 2026, 3:04 pm IST", then "(14 Dec 2026, 9:34 am UTC)" on a line of its own (the page's CSS keeps the
  // line break), in the buyer's locale; UTC alone where that is their zone.
  const paidAtText = (iso) => {
    const at = new Date(iso);
    if (Number.isNaN(at.getTime())) return null;
    const style = { dateStyle: 'medium', timeStyle: 'short' };
    const utc = new Intl.DateTimeFormat(undefined, { ...style, timeZone: 'UTC' }).format(at) + ' UTC';
    const zone = new Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone === 'UTC' || zone === 'Etc/UTC') return utc;
    const zoneName = new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' }).formatToParts(at).find((part) => part.type === 'timeZoneName');
    return new Intl.DateTimeFormat(undefined, style).format(at) + (zoneName ? ' ' + zoneName.value : '') + '\\n(' + utc + ')';
  };
  const localize = (time) => {
    const text = paidAtText(time.dateTime);
    if (text) setText(time, text);
  };

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
    if (paid) {
      setText(cell('receipt').querySelector('code'), view.id);
      const eyebrow = document.querySelector('[data-eyebrow]');
      if (eyebrow) setText(eyebrow, eyebrow.dataset.eyebrow);
      if (facts.dataset.paidTitle) document.title = facts.dataset.paidTitle;
    }
  };

  document.addEventListener('pay-link-status', (event) => {
    const view = event.target && event.target.link;
    if (view) show(view);
  });
  for (const time of facts.querySelectorAll('time[datetime]')) localize(time);
})();
`;
