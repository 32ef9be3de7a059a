// The CMS page's own script, in two parts: a toy page builder that renders the stored layout with innerHTML once
// the page has loaded (so the buttons are created well after the element was defined), and the snippet builder.
// A classic script like the widget's, no inline code (the page's CSP forbids it), no build step.
(() => {
  'use strict';

  // The element defaults its proxy to the origin its script came from; the snippets do the same.
  const widgetScript = document.querySelector('script[src$="/pay-link-button.iife.js"]');
  const PROXY = new URL(widgetScript.src).origin;

  /** For text and double-quoted attribute values: what a pasted snippet must never let through unescaped. */
  const escapeHtml = (value) =>
    String(value).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

  /**
   * The element's fallback content: a link to the proxy's own page for the same purchase (`/buy/<product>`, or
   * `/pay/<intent>`), shown until the script runs and whenever it never does (JavaScript off, the script blocked,
   * the proxy down). The element renders no `fallback` slot, so once upgraded the link is not shown.
   */
  const fallbackLink = (path, text) => `<a slot="fallback" href="${escapeHtml(PROXY + path)}">${escapeHtml(text)}</a>`;
  const buyPath = (productId) => `/buy/${encodeURIComponent(productId)}`;
  const payPath = (token) => `/pay/${encodeURIComponent(token)}`;

  // ── The page builder ──────────────────────────────────────────────────────────────────────────────────────

  const canvas = document.getElementById('canvas');
  const canvasMeta = document.getElementById('canvas-meta');

  /** One template per block type, as a page builder keeps them. Every stored value is escaped on the way in. */
  const BLOCKS = {
    heading: (b) => `<header class="block block-heading"><p class="kicker">${escapeHtml(b.kicker)}</p><h3>${escapeHtml(b.text)}</h3></header>`,
    text: (b) => `<p class="block block-text">${escapeHtml(b.text)}</p>`,
    product: (b) => `<article class="block block-product">
  <h4>${escapeHtml(b.title)}</h4>
  <p>${escapeHtml(b.text)}</p>
  <p class="price">${escapeHtml(b.price)}</p>
  <pay-link-button product="${escapeHtml(b.product)}" label="${escapeHtml(b.label)}">${fallbackLink(buyPath(b.product), b.label)}</pay-link-button>
</article>`,
  };

  function describeCanvas() {
    const buttons = [...canvas.querySelectorAll('pay-link-button')];
    const upgraded = buttons.filter((el) => el.shadowRoot).length;
    canvasMeta.textContent =
      upgraded === buttons.length
        ? `Blocks rendered with innerHTML after load · ${upgraded} of ${buttons.length} buttons upgraded`
        : `Blocks rendered · ${buttons.length - upgraded} buttons waiting for the pay-link script`;
  }

  function renderPage() {
    const layout = JSON.parse(document.getElementById('page-layout').textContent);
    canvas.innerHTML = layout.blocks.map((block) => BLOCKS[block.type]?.(block) ?? '').join('\n');
    canvas.removeAttribute('aria-busy');
    describeCanvas();
    // If the script was slow, the buttons upgrade whenever it arrives; say so then.
    void customElements.whenDefined('pay-link-button').then(describeCanvas);
  }

  if (document.readyState === 'complete') renderPage();
  else window.addEventListener('load', renderPage, { once: true });

  // ── The snippet builder ───────────────────────────────────────────────────────────────────────────────────

  const form = document.getElementById('snippet-form');
  const product = document.getElementById('product');
  const productHint = document.getElementById('product-hint');
  const intent = document.getElementById('intent');
  const intentError = document.getElementById('intent-error');
  const presentation = document.getElementById('presentation');
  const theme = document.getElementById('theme');
  const label = document.getElementById('label');
  const lang = document.getElementById('lang');
  const fallback = document.getElementById('fallback');
  const code = document.getElementById('snippet-code');
  const snippetBox = document.getElementById('snippet');
  const copyButton = document.getElementById('copy-button');
  const copyStatus = document.getElementById('copy-status');
  const preview = document.getElementById('preview');
  const signButton = document.getElementById('sign-button');
  const signStatus = document.getElementById('sign-status');

  /** `pli1.<payload>.<signature>`, both base64url: the shape `pay-link intent` prints. */
  const INTENT_TOKEN = /^pli1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
  /** The builder's choices survive a redirect checkout (which leaves this page and comes back). */
  const STORAGE_KEY = 'pay-link-cms-snippet';
  const prices = new Map();
  /** Product names from the catalog, for the fallback link's text ("Buy Masala chai tin, 250 g"). */
  const names = new Map();

  function readChoices() {
    return {
      kind: form.elements.kind.value,
      product: product.value,
      intent: intent.value.trim(),
      presentation: presentation.value,
      theme: theme.value,
      label: label.value.trim(),
      lang: lang.value,
      fallback: fallback.checked,
    };
  }

  /**
   * The HTML to paste: the classic script, a translation if needed, and the element with only non-default
   * attributes; inside it, unless left out, the fallback link (on one line: no whitespace reaches the label slot).
   */
  function buildSnippet(choices) {
    const purchase = choices.kind === 'intent' ? ['intent', choices.intent] : ['product', choices.product];
    if (!purchase[1] || (choices.kind === 'intent' && !INTENT_TOKEN.test(choices.intent))) return null;
    const attributes = [purchase];
    if (choices.presentation !== 'auto') attributes.push(['presentation', choices.presentation]);
    if (choices.theme !== 'auto') attributes.push(['theme', choices.theme]);
    if (choices.lang) attributes.push(['lang', choices.lang]);
    if (choices.label) attributes.push(['label', choices.label]);
    const lines = [`<script src="${escapeHtml(PROXY)}/pay-link-button.iife.js"></script>`];
    if (choices.lang && choices.lang !== 'en') {
      lines.push(`<script src="${escapeHtml(PROXY)}/translations/${escapeHtml(choices.lang)}.js"></script>`);
    }
    const inside = !choices.fallback
      ? ''
      : choices.kind === 'intent'
        ? fallbackLink(payPath(choices.intent), choices.label || 'Pay this invoice')
        : fallbackLink(buyPath(choices.product), choices.label || `Buy ${names.get(choices.product) ?? choices.product}`);
    lines.push(`<pay-link-button${attributes.map(([name, value]) => ` ${name}="${escapeHtml(value)}"`).join('')}>${inside}</pay-link-button>`);
    return lines.join('\n');
  }

  let previewed;

  function update() {
    const choices = readChoices();
    for (const block of form.querySelectorAll('[data-kind]')) block.hidden = block.dataset.kind !== choices.kind;
    const badToken = choices.kind === 'intent' && choices.intent !== '' && !INTENT_TOKEN.test(choices.intent);
    intentError.textContent = badToken ? 'That is not an intent token: one starts with "pli1." and has three parts separated by dots.' : '';
    intent.setAttribute('aria-invalid', String(badToken));
    const price = prices.get(choices.product);
    label.placeholder = choices.kind === 'product' && price ? `Pay ${price}` : 'Pay and the amount';

    const html = buildSnippet(choices);
    code.textContent =
      html ?? (choices.kind === 'intent' ? 'Paste or sign an intent token to get the HTML.' : 'Choose a product to get the HTML.');
    snippetBox.classList.toggle('empty', !html);
    copyButton.disabled = !html;
    copyStatus.textContent = '';
    // Replace the preview only when the HTML changed: a purchase under way in it is not thrown away for nothing.
    if (html !== previewed) {
      preview.innerHTML = html ?? '';
      previewed = html;
    }
    // The snippet's translation script stays inert in the preview (innerHTML runs no script): load it here, once.
    if (choices.lang && choices.lang !== 'en') void loadTranslation(choices.lang);
    preview.dataset.theme = choices.theme;
    try {
      sessionStorage.setItem(STORAGE_KEY, JSON.stringify(choices));
    } catch {
      // storage disabled: the builder just forgets
    }
  }

  /**
   * Loads a translation add-on (`translations/<lang>.js` from the proxy) once; when it arrives, the preview's buttons
   * render again in that language. The element takes translations registered at any time, but does not watch for them.
   */
  const translations = new Map();
  function loadTranslation(code) {
    if (!translations.has(code)) {
      translations.set(
        code,
        new Promise((resolve, reject) => {
          const script = document.createElement('script');
          script.src = `${PROXY}/translations/${encodeURIComponent(code)}.js`;
          script.onload = resolve;
          script.onerror = () => {
            translations.delete(code); // try again on the next choice
            reject(new Error(`could not load ${script.src}`));
          };
          document.head.append(script);
        }),
      );
    }
    return translations
      .get(code)
      .then(() => {
        for (const el of preview.querySelectorAll('pay-link-button')) el.requestUpdate();
      })
      .catch(() => {});
  }

  function restoreChoices() {
    let saved;
    try {
      saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null');
    } catch {
      saved = null;
    }
    if (!saved) return;
    for (const radio of form.elements.kind) radio.checked = radio.value === saved.kind;
    intent.value = saved.intent ?? '';
    presentation.value = saved.presentation ?? 'auto';
    theme.value = saved.theme ?? 'auto';
    label.value = saved.label ?? '';
    lang.value = saved.lang ?? '';
    fallback.checked = saved.fallback !== false;
    product.dataset.saved = saved.product ?? '';
  }

  /** Minor units → "₹1,850.00", exactly (Intl formats a decimal string without going through a float). */
  const EXPONENTS = { JPY: 0, KRW: 0, VND: 0, BHD: 3, JOD: 3, KWD: 3, OMR: 3 };
  function formatMoney({ value, currency }) {
    const exponent = EXPONENTS[currency] ?? 2;
    const digits = String(value).padStart(exponent + 1, '0');
    const major = exponent ? `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}` : digits;
    return new Intl.NumberFormat('en', { style: 'currency', currency }).format(major);
  }

  async function loadCatalog() {
    try {
      const res = await fetch(`${PROXY}/v1/config`);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const config = await res.json();
      const options = config.products.map((p) => {
        prices.set(p.id, formatMoney(p.amount));
        names.set(p.id, p.name);
        return new Option(`${p.name} · ${prices.get(p.id)}`, p.id);
      });
      product.replaceChildren(...options);
      if (prices.has(product.dataset.saved)) product.value = product.dataset.saved;
      product.disabled = false;
    } catch (err) {
      product.replaceChildren(new Option('The catalog could not be loaded', ''));
      productHint.textContent = `Could not read ${PROXY}/v1/config (${err.message}). Is the proxy running?`;
    }
    update();
  }

  /** Copies the snippet; where the clipboard is refused, selects it for Ctrl+C instead. Either way, says what happened. */
  async function copySnippet() {
    let message;
    try {
      await navigator.clipboard.writeText(code.textContent);
      message = 'Copied the HTML to the clipboard.';
      copyButton.textContent = 'Copied ✓';
      setTimeout(() => (copyButton.textContent = 'Copy'), 2000);
    } catch {
      const range = document.createRange();
      range.selectNodeContents(code);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      snippetBox.focus();
      message = 'This browser did not allow copying: the HTML is selected, press Ctrl+C (⌘C on a Mac).';
    }
    // Emptied first, so a second copy is announced again.
    copyStatus.textContent = '';
    setTimeout(() => (copyStatus.textContent = message), 50);
  }

  /** "1250" or "1250.50" rupees → 125050 paise, on the string (no floating point), or undefined. */
  function toPaise(text) {
    const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text.trim().replace(/,/g, ''));
    if (!match) return undefined;
    const paise = Number(match[1] + (match[2] ?? '').padEnd(2, '0'));
    return paise > 0 ? paise : undefined;
  }

  async function signDemoIntent() {
    const amount = toPaise(document.getElementById('sign-amount').value);
    const reference = document.getElementById('sign-reference').value.trim();
    const description = document.getElementById('sign-description').value.trim();
    if (amount === undefined) {
      signStatus.textContent = 'Amount: rupees and at most two decimals, such as 1250.00.';
      document.getElementById('sign-amount').focus();
      return;
    }
    signButton.setAttribute('aria-busy', 'true');
    signStatus.textContent = 'Signing…';
    try {
      // Demo only: the demo server signs with the demo's public intent secret (see scripts/stack.ts).
      const res = await fetch('/demo-api/intents', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ amount, currency: 'INR', reference, description }),
      });
      const body = await res.json().catch(() => ({}));
      if (!res.ok) throw new Error(body.detail ?? `HTTP ${res.status}`);
      intent.value = body.token;
      signStatus.textContent = `Signed ${reference} for ${formatMoney({ value: amount, currency: 'INR' })}: the token is in the field above.`;
      update();
    } catch (err) {
      signStatus.textContent = `Could not sign: ${err.message}`;
    } finally {
      signButton.removeAttribute('aria-busy');
    }
  }

  form.addEventListener('input', update);
  form.addEventListener('change', update);
  form.addEventListener('submit', (event) => event.preventDefault());
  copyButton.addEventListener('click', () => void copySnippet());
  signButton.addEventListener('click', () => void signDemoIntent());

  restoreChoices();
  update();
  void loadCatalog();
})();
