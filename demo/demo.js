// The shop's own script: a live panel of the events the buttons fire, and under each product the merchant's server's
// word on the order. No inline script (the page's CSP forbids it).
const EVENTS = [
  'pay-link-created',
  'pay-link-before-open',
  'pay-link-opened',
  'pay-link-blocked',
  'pay-link-status',
  'pay-link-paid',
  'pay-link-expired',
  'pay-link-cancelled',
  'pay-link-error',
];

const log = document.getElementById('event-log');

for (const type of EVENTS) {
  document.addEventListener(type, (event) => {
    const item = document.createElement('li');
    item.className = `event event-${type.replace('pay-link-', '')}`;
    const name = document.createElement('strong');
    name.textContent = type;
    const detail = document.createElement('code');
    const d = event.detail ?? {};
    detail.textContent = JSON.stringify({ linkId: d.linkId, status: d.status, amount: d.amount, error: d.error?.code });
    item.append(name, ' ', detail);
    log.prepend(item);
    while (log.children.length > 30) log.lastElementChild.remove();
  });
}

// The merchant's side of a purchase. A button's `paid` is a hint for the page; the order is fulfilled by the
// merchant's server when the proxy's signed `payment_link.paid` event reaches it (scripts/merchant-backend.ts).
// Once a button reports paid, this asks that server, on this page's own origin, until it says so.
const FULFILMENT_POLL_MS = 500;
const FULFILMENT_WAIT_MS = 30_000;
const FULFILMENT_TEXT = {
  waiting: "Waiting for the merchant's server…",
  late: "The merchant's server has not confirmed this order yet.",
};

/** A button's fulfilment line, and the watch of its current link (aborted when the button moves to another). */
const fulfilment = new Map();

// One polite live region per product, present from the start (a region added with its text may go unannounced),
// with its height reserved so the line does not push the page about when it fills.
for (const button of document.querySelectorAll('.product pay-link-button')) {
  const line = document.createElement('p');
  line.className = 'fulfilment';
  line.setAttribute('role', 'status');
  line.setAttribute('aria-live', 'polite');
  button.after(line);
  fulfilment.set(button, { line, linkId: null, controller: null });
}

// A purchase paid earlier in this visit is shown paid by the element straight after a reload, before this script
// runs and listens: ask the merchant's server about it as well.
await customElements.whenDefined('pay-link-button');
for (const [button, entry] of fulfilment) {
  const linkId = button.link?.id;
  if (button.status !== 'paid' || !linkId || entry.linkId) continue;
  entry.linkId = linkId;
  entry.controller = new AbortController();
  void watchFulfilment(entry.line, linkId, entry.controller.signal);
}

document.addEventListener('pay-link-status', (event) => {
  const entry = fulfilment.get(event.target);
  const { linkId, status } = event.detail ?? {};
  if (!entry || !linkId) return;
  if (linkId !== entry.linkId) {
    // Another purchase on this button: what was shown was about the last one.
    entry.controller?.abort();
    entry.controller = null;
    entry.linkId = linkId;
    showFulfilment(entry.line, 'none');
  }
  if (status === 'paid' && !entry.controller) {
    entry.controller = new AbortController();
    void watchFulfilment(entry.line, linkId, entry.controller.signal);
  }
});

/** Polls the merchant's server for one link's order until it is fulfilled, the wait runs out, or `signal` aborts. */
async function watchFulfilment(line, linkId, signal) {
  const deadline = Date.now() + FULFILMENT_WAIT_MS;
  for (let first = true; !signal.aborted; first = false) {
    try {
      const res = await fetch(`/merchant/orders/${encodeURIComponent(linkId)}`, { signal, headers: { accept: 'application/json' } });
      if (res.ok && (await res.json()).fulfilled === true) return showFulfilment(line, 'fulfilled');
    } catch {
      if (signal.aborted) return;
      // A failed read is a hiccup: the next poll tries again.
    }
    if (Date.now() >= deadline) return showFulfilment(line, 'late');
    // Usually the event is there at the first read; say "waiting" only when it is not, so nothing flickers.
    if (first) showFulfilment(line, 'waiting');
    await new Promise((resolve) => setTimeout(resolve, FULFILMENT_POLL_MS));
  }
}

/** Sets a fulfilment line's state (`none`, `waiting`, `fulfilled`, `late`) and its text. */
function showFulfilment(line, state) {
  line.dataset.state = state;
  if (state !== 'fulfilled') {
    line.textContent = FULFILMENT_TEXT[state] ?? '';
    return;
  }
  // The tick is decoration: a screen reader hears the sentence.
  const tick = document.createElement('span');
  tick.setAttribute('aria-hidden', 'true');
  tick.textContent = ' ✓';
  line.replaceChildren("Order fulfilled by the merchant's server", tick);
}
