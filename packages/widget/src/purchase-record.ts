/**
 * One purchase's memory in `sessionStorage`: its Idempotency-Key and, once minted, its link id; once paid, only the
 * link id and the amount paid, so the button shows it paid for the rest of the visit (nothing personal is kept).
 *
 * The key is stable across double clicks, retries and reloads of the tab, so the proxy answers every repeat
 * with the same link; it is dropped when the link ends (or the mint is refused), so the next purchase gets a
 * new key. The record is keyed by a fingerprint of what is bought (proxy + product/intent/amount + quantity),
 * so several buttons on a page keep separate records, and two buttons for the same thing share one.
 */
import { mintLink, type LinkView, type MintRequest, type Money, type ProxyError } from './proxy-client.ts';

export interface PurchaseRecord {
  /** Absent once paid: the next purchase gets a new key. */
  idempotencyKey?: string;
  linkId?: string;
  /** The amount of the paid link `linkId`. */
  paid?: Money;
}

/** What identifies a purchase; the same values always give the same fingerprint. */
export type PurchaseIdentity = readonly (string | number | undefined | null)[];

const PREFIX = 'pay-link:';
// Storage can be missing or throw (sandboxed iframes, some private modes); keep working in memory then.
const memory = new Map<string, string>();

/** A short, stable hash of the purchase identity (32-bit FNV-1a, base 36); also carried in the return URL. */
export function fingerprint(identity: PurchaseIdentity): string {
  let hash = 0x811c9dc5;
  for (const char of JSON.stringify(identity)) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
  return (hash >>> 0).toString(36);
}

export function loadRecord(print: string): PurchaseRecord | undefined {
  let raw = memory.get(print);
  try {
    raw = sessionStorage.getItem(PREFIX + print) ?? raw;
  } catch {
    // no storage: memory it is
  }
  try {
    const record = JSON.parse(raw!) as PurchaseRecord | null;
    if (typeof record?.idempotencyKey === 'string' || record?.paid) return record;
  } catch {
    // nothing stored, or not ours
  }
}

export function saveRecord(print: string, record: PurchaseRecord): void {
  const raw = JSON.stringify(record);
  try {
    sessionStorage.setItem(PREFIX + print, raw);
  } catch {
    memory.set(print, raw);
  }
}

export function clearRecord(print: string): void {
  memory.delete(print);
  try {
    sessionStorage.removeItem(PREFIX + print);
  } catch {
    // nothing stored there
  }
}

/** The record for this purchase, created (with a fresh key) and saved if there is none. */
export function ensureRecord(print: string): PurchaseRecord {
  let record = loadRecord(print);
  if (!record?.idempotencyKey) saveRecord(print, (record = { idempotencyKey: randomUuid() }));
  return record;
}

/**
 * `crypto.randomUUID` exists only in secure contexts. A merchant page on plain http still gets a browser-made
 * v4 UUID: the tail of a blob URL, which is released at once.
 */
function randomUuid(): string {
  if (isSecureContext) return crypto.randomUUID();
  const url = URL.createObjectURL(new Blob());
  URL.revokeObjectURL(url);
  return url.slice(-36);
}

/**
 * Mints this purchase's link under its key and remembers the link. Two answers are dealt with here instead of
 * being shown to the buyer: `idempotency_in_flight` (the same purchase is still being minted, say by a request
 * a reload cut short): wait a second, three times at most; `idempotency_key_reused` (the request changed under
 * the same key, say the customer fields): start over once with a new key, unless `renew` is false (a recovery
 * must find the old purchase, not start another). A refusal drops the key, since nothing was minted. An abort
 * through `signal` (the purchase changed) cancels the request and rejects with its AbortError, keeping the key.
 */
export async function mintPurchase(proxy: string, body: MintRequest, print: string, renew = true, signal?: AbortSignal): Promise<LinkView> {
  let record = ensureRecord(print);
  let waits = 0;
  for (;;) {
    try {
      const view = await mintLink(proxy, body, record.idempotencyKey!, signal);
      saveRecord(print, { ...record, linkId: view.id });
      return view;
    } catch (err) {
      const { code, recoverable } = err as ProxyError;
      if (signal?.aborted) throw err;
      if (code === 'idempotency_in_flight' && waits++ < 3) await new Promise((done) => setTimeout(done, 1000));
      else if (code === 'idempotency_key_reused' && renew) {
        renew = false;
        clearRecord(print);
        record = ensureRecord(print);
      } else {
        if (!recoverable) clearRecord(print);
        throw err;
      }
    }
  }
}
