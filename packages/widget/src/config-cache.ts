/**
 * One read of the proxy's public facts (`GET {proxy}/v1/config`: catalog prices, open-amount ranges) per page and
 * proxy, however many buttons ask: the first asks, the rest share its answer. Across pages the browser's HTTP
 * cache keeps it (`Cache-Control: max-age=60`) and then revalidates it with its ETag (a 304, no body), so a shop
 * page with twenty buttons costs one small request, usually none.
 *
 * A failed read is shared too (no retry storm from every button); the features that need it just do not show.
 */
import type { PublicConfig } from '@pay-link/proxy/contract';

export type { PublicConfig };

/** Module-level, so every element on the page shares it: the chunk is one module per page (one URL). */
const reads = new Map<string, Promise<PublicConfig | null>>();

/** The proxy's public config, or null if it could not be read. One request per page for each proxy URL. */
export function readConfig(proxy: string): Promise<PublicConfig | null> {
  const url = `${proxy.replace(/\/+$/, '')}/v1/config`;
  let read = reads.get(url);
  if (!read) {
    // `default` cache mode: a fresh cached answer is used as is, a stale one revalidated with If-None-Match
    read = fetch(url, { headers: { accept: 'application/json' }, credentials: 'omit' })
      .then((res) => (res.ok ? (res.json() as Promise<PublicConfig>) : null))
      .catch(() => null);
    reads.set(url, read);
  }
  return read;
}

/** Forgets what was read (tests; a page that changed proxies' catalogs under it). */
export function clearConfigCache(): void {
  reads.clear();
}
