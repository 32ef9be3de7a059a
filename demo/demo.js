// The shop's own script: a live panel of the events the buttons fire. No inline script (the page's CSP forbids it).
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
