/**
 * The one policy every adapter applies to a status word its provider sends that the adapter does not know
 * (docs/decisions/0010-unknown-provider-statuses.md): it reads as `pending`, and it is logged at warn once per
 * provider and word, with the provider's name and the word (at most 40 characters), never the body.
 *
 * `pending` is the lowest rank of the status join (links/status.ts), so an unknown word never lowers or closes a
 * link, and the link stays re-readable: the next read that says a known word moves it. Refusing the word instead
 * would fail every read of that link until the adapter learns it.
 */
import type { LinkStatus, ProviderName } from '../contract.ts';

/** What an unknown word reads as, in every adapter. */
export const UNKNOWN_STATUS_READING = 'pending' satisfies LinkStatus;

/** Longest part of a word that reaches the log: enough to name it, too short to carry a body. */
export const STATUS_WORD_LOG_CHARS = 40;

/**
 * Distinct words reported per adapter. Words come from provider answers and from webhooks (Xendit's callback is
 * only token-authenticated), so the set that remembers them is bounded; past it, one last warning says so.
 */
export const MAX_REPORTED_WORDS = 64;

/** The part of the proxy's logger an adapter uses (`ProviderDeps.log`). */
export interface AdapterLog {
  warn: (obj: object, msg: string) => void;
}

/**
 * `raw` as one of `words`, or `undefined` when it is none of them (reported once, as received). `normalize` is
 * the provider's spelling rule (PayEngine's and EximPe's words arrive in either case), applied before comparing.
 * The caller maps a known word with its own exhaustive switch and reads `undefined` as `UNKNOWN_STATUS_READING`.
 */
export type StatusWordReader = <W extends string>(raw: string, words: readonly W[], normalize?: (raw: string) => string) => W | undefined;

/**
 * The reader for one adapter. Without a log (tests, the CLI's provider check) unknown words are still read as
 * pending, and nothing is reported.
 *
 * @example
 * const readWord = createStatusWordReader('razorpay', deps.log);
 * const word = readWord(link.status, RazorpayLinkStatus.options);
 * const status = word ? mapRazorpayStatus(word) : UNKNOWN_STATUS_READING;
 */
export function createStatusWordReader(provider: ProviderName, log: AdapterLog | undefined): StatusWordReader {
  const reported = new Set<string>();
  let capped = false;
  return <W extends string>(raw: string, words: readonly W[], normalize?: (raw: string) => string): W | undefined => {
    const spelled = normalize ? normalize(raw) : raw;
    const known = words.find((word) => word === spelled);
    if (known !== undefined) return known;
    const status = raw.slice(0, STATUS_WORD_LOG_CHARS);
    if (!log || reported.has(status) || capped) return undefined;
    if (reported.size >= MAX_REPORTED_WORDS) {
      capped = true;
      log.warn({ provider }, `${provider}: more than ${MAX_REPORTED_WORDS} unknown status words; no further ones are reported`);
      return undefined;
    }
    reported.add(status);
    log.warn({ provider, status }, `${provider}: unknown status word read as ${UNKNOWN_STATUS_READING}`);
    return undefined;
  };
}
