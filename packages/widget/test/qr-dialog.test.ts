import { expect, fixture, waitUntil } from '@open-wc/testing';
import { http, HttpResponse } from 'msw';
import { setupWorker } from 'msw/browser';
import { openQrDialog } from '../src/qr-dialog.ts';
import { AMOUNT_STRINGS, QR_ACTION, QR_STRINGS } from '../src/extra-strings.ts';

const PROXY = 'https://proxy.test';
const worker = setupWorker();
const SRC = `${PROXY}/v1/links/pl_x/qr.svg`;
// The proxy's drawing, plus what a hostile or broken one might add: none of that may reach the page
const SVG_TEXT = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 29 29" onload="window.hacked=1"><script>window.hacked=2</script><path fill="#ffffff" d="M0 0h29v29H0z"/><path stroke="#000000" onclick="x()" d="M4 4.5h7"/><a href="javascript:alert(1)"><rect x="1" y="1" width="1" height="1"/></a><foreignObject><p>hi</p></foreignObject></svg>';

const root = () => document.querySelector('pay-link-qr')?.shadowRoot ?? null;

describe('the QR dialog (qr-dialog.ts)', () => {
  before(() => worker.start({ serviceWorker: { url: '/mockServiceWorker.js' }, quiet: true }));
  afterEach(() => worker.resetHandlers());
  after(() => worker.stop());

  it('is a labelled, described modal with the code drawn inline from its shapes only; closing returns focus to its opener', async () => {
    worker.use(http.get(SRC, () => new HttpResponse(SVG_TEXT, { headers: { 'Content-Type': 'image/svg+xml' } })));
    const opener = await fixture<HTMLButtonElement>('<button>Pay on your phone</button>');
    opener.focus();
    const qr = openQrDialog({ src: SRC, lang: 'en', opener });
    const dialog = qr.dialog;
    expect(dialog.open).to.equal(true);
    expect(dialog.matches(':modal')).to.equal(true);
    const shadow = root()!;
    expect(shadow.getElementById(dialog.getAttribute('aria-labelledby')!)!.textContent).to.equal('Pay on your phone');
    expect(shadow.getElementById(dialog.getAttribute('aria-describedby')!)!.textContent).to.match(/Scan this code/);
    expect(shadow.activeElement?.textContent).to.equal('Close');
    await waitUntil(() => shadow.querySelector('.code svg'), 'the code is drawn');
    const svg = shadow.querySelector('.code svg')!;
    expect(svg.getAttribute('viewBox')).to.equal('0 0 29 29');
    expect([...svg.children].map((c) => c.localName)).to.deep.equal(['path', 'path', 'rect']);
    expect(svg.outerHTML).not.to.match(/script|onload|onclick|javascript|foreignObject/i);
    expect((window as { hacked?: number }).hacked).to.equal(undefined);
    expect(shadow.querySelector('.code')!.getAttribute('aria-label')).to.equal('QR code of the checkout link');
    await expect(dialog).to.be.accessible();

    qr.close();
    await qr.closed;
    expect(document.activeElement).to.equal(opener);
    expect(document.querySelector('pay-link-qr')).to.equal(null);
  });

  it('speaks the page’s language, and says so when the code cannot be had (the link closed meanwhile)', async () => {
    worker.use(http.get(SRC, () => HttpResponse.json({ code: 'link_closed' }, { status: 410 })));
    const opener = await fixture<HTMLButtonElement>('<button>x</button>');
    const qr = openQrDialog({ src: SRC, lang: 'hi-IN', opener });
    const shadow = root()!;
    expect(shadow.querySelector('h2')!.textContent).to.equal(QR_ACTION.hi);
    expect(qr.dialog.lang).to.equal('hi-IN');
    await waitUntil(() => shadow.querySelector('[role=alert]')!.textContent === QR_STRINGS.hi!.qrUnavailable, 'the failure is said');
    expect(shadow.querySelector<HTMLElement>('.code')!.hidden).to.equal(true);
    // Focus goes to the fallback when the opener is gone
    const fallback = await fixture<HTMLButtonElement>('<button>status</button>');
    opener.remove();
    const closed = openQrDialog({ src: SRC, lang: 'en', opener, fallback: () => fallback });
    qr.close();
    closed.close();
    await closed.closed;
    expect(document.activeElement).to.equal(fallback);
  });

  it('has every string in all seven languages', () => {
    const seven = ['en', 'es', 'hi', 'id', 'ms', 'th', 'vi'];
    for (const table of [QR_ACTION, QR_STRINGS, AMOUNT_STRINGS] as Record<string, unknown>[]) {
      expect(Object.keys(table).sort()).to.deep.equal(seven);
      const keys = Object.keys(table.en as object).sort();
      for (const lang of seven) {
        if (typeof table.en === 'object') expect(Object.keys(table[lang] as object).sort(), lang).to.deep.equal(keys);
        if (lang !== 'en') expect(JSON.stringify(table[lang]), lang).not.to.equal(JSON.stringify(table.en));
      }
    }
    // Functions compare as text above only by their keys: the amount messages must differ when called, too
    for (const lang of seven.filter((l) => l !== 'en')) {
      expect(AMOUNT_STRINGS[lang]!.amountOutOfRange('1', '2'), lang).not.to.equal(AMOUNT_STRINGS.en!.amountOutOfRange('1', '2'));
    }
  });
});
