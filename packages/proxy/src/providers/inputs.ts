/**
 * Small readers every adapter needs for what reaches it: a webhook's headers and body, and its config's URLs.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';

/** One header's value (the first, if repeated); `undefined` when absent or empty. Node has already trimmed it. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) || undefined;
}

/** The body as JSON, or `undefined` when it is not JSON (the caller's schema then refuses it by name). */
export function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** A base URL setting: http or https only. */
export const httpUrl = z.url({ protocol: /^https?$/, error: 'an http(s) URL' });

/**
 * A comma-separated list of webhook secrets (or tokens), the old and the new one during a rotation: trimmed,
 * empty entries dropped, each at least `min` characters, at least one.
 *
 * @example
 * RAZORPAY_WEBHOOK_SECRET: secretList(8).optional(),
 */
export function secretList(min: number, words: { each?: string; none?: string } = {}) {
  return z
    .string()
    .transform((s) => s.split(',').map((p) => p.trim()).filter(Boolean))
    .pipe(z.array(z.string().min(min, words.each ?? `at least ${min} characters`)).min(1, words.none ?? 'at least one secret'));
}
