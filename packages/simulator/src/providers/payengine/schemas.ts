/**
 * Request schemas for the Payment Links REST API, from the seed's field table (create-payment-link) and the list
 * page's query parameters. Only shapes are checked here; rules that need the clock or the store (dates in the
 * future, unique `slug_id`) live in `links.ts`. Failures become PayEngine's `{error: true, message}` naming the
 * field (the exact texts are UNCONFIRMED).
 */
import { z } from 'zod';
import { PayEngineError } from './errors.ts';
import { PAYENGINE_PAYMENT_METHODS } from './wire.ts';

/** "Max Length=12 Allowed characters: 0-9 and .(dot)" (seed, `data.amount`). */
export const MAX_AMOUNT_CHARS = 12;

/**
 * A dollar amount: a string of digits and at most one dot, ≤ 12 characters, at most two decimals (cents), above
 * zero. The seed's own example sends a JSON number (`"amount": 12.50`), so a number is taken too and read as the
 * same decimal. Normalized to two decimals: "1" and "1.00" are both $1.00 (seed).
 */
export function dollarField(options: { allowZero?: boolean } = {}) {
  return z
    .union([z.string(), z.number()], { error: 'must be a string' })
    .transform((value, ctx) => {
      const text = typeof value === 'number' ? String(value) : value;
      const match = /^(\d*)(?:\.(\d{0,2}))?$/.exec(text);
      if (text.length === 0 || text.length > MAX_AMOUNT_CHARS || !/^[0-9.]+$/.test(text) || !match || text === '.') {
        ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_AMOUNT_CHARS} characters of 0-9 and . with at most two decimals` });
        return z.NEVER;
      }
      const cents = Number(match[1] || '0') * 100 + Number((match[2] ?? '').padEnd(2, '0'));
      if (!Number.isSafeInteger(cents) || (cents === 0 && !options.allowZero)) {
        ctx.addIssue({ code: 'custom', message: 'must be greater than 0' });
        return z.NEVER;
      }
      return cents;
    });
}

const dateField = () =>
  z.string({ error: 'must be a string' }).refine((text) => parseSimDate(text, 'start') !== undefined, {
    error: 'must be a date such as 20221115 (YYYYMMDD), 2022-11-15 or an ISO 8601 date-time',
  });
const note = () => z.string({ error: 'must be a string' }).max(255, { error: 'must be at most 255 characters' });
const flag = () => z.boolean({ error: 'must be true or false' });

const dataShape = {
  payment_methods: z
    .array(z.enum(PAYENGINE_PAYMENT_METHODS, { error: 'accepts CC_DC and ACH' }), { error: 'must be an array' })
    .min(1, { error: 'must not be empty' }),
  use_same_amount: flag(),
  amount: dollarField(),
  cc_amount: dollarField(),
  cc_amount_note: note(),
  ach_amount: dollarField(),
  ach_amount_note: note(),
  one_time_only: flag(),
  currency_code: z.string({ error: 'must be a string' }).regex(/^[A-Z]{3}$/, { error: 'must be an ISO 4217 code such as USD' }),
  start_date: dateField(),
  end_date: dateField(),
  description: z.string({ error: 'must be a string' }).max(1000, { error: 'must be at most 1000 characters' }),
  order_number: z.string({ error: 'must be a string' }).regex(/^[a-zA-Z0-9]{1,20}$/, { error: 'must be alphanumeric (a-z A-Z 0-9), at most 20 characters' }),
  sales_tax: dollarField({ allowZero: true }),
  save_card_consent: flag(),
  enable_captcha: flag(),
  slug_id: z.string({ error: 'must be a string' }).regex(/^[A-Za-z0-9_-]{1,100}$/, { error: 'may contain letters, digits, - and _ (at most 100)' }),
  internal_transaction_id: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).max(255, { error: 'must be at most 255 characters' }),
  metadata: z.record(z.string(), z.unknown(), { error: 'must be an object' }),
};

const merchantId = z.string({ error: 'is required' }).min(1, { error: 'is required' });

const CreateData = z.strictObject(
  {
    ...dataShape,
    payment_methods: dataShape.payment_methods.default([...PAYENGINE_PAYMENT_METHODS]),
    use_same_amount: dataShape.use_same_amount.default(true),
    amount: dataShape.amount.optional(),
    cc_amount: dataShape.cc_amount.optional(),
    cc_amount_note: dataShape.cc_amount_note.optional(),
    ach_amount: dataShape.ach_amount.optional(),
    ach_amount_note: dataShape.ach_amount_note.optional(),
    // "True: The payment link can only be used for one successful payment (default)" (seed).
    one_time_only: dataShape.one_time_only.default(true),
    currency_code: dataShape.currency_code.default('USD'),
    start_date: dataShape.start_date.optional(),
    end_date: dataShape.end_date.optional(),
    description: dataShape.description.optional(),
    order_number: dataShape.order_number.optional(),
    sales_tax: dataShape.sales_tax.optional(),
    save_card_consent: dataShape.save_card_consent.default(false),
    enable_captcha: dataShape.enable_captcha.default(false),
    slug_id: dataShape.slug_id.optional(),
    internal_transaction_id: dataShape.internal_transaction_id.optional(),
    metadata: dataShape.metadata.optional(),
  },
  { error: 'must be an object' },
).superRefine((data, ctx) => {
  // "mandatory only if data.use_same_amount is true" / "… is false" (seed).
  if (data.use_same_amount && data.amount === undefined) {
    ctx.addIssue({ code: 'custom', path: ['amount'], message: 'is required when use_same_amount is true' });
  }
  if (!data.use_same_amount) {
    if (data.cc_amount === undefined) ctx.addIssue({ code: 'custom', path: ['cc_amount'], message: 'is required when use_same_amount is false' });
    if (data.ach_amount === undefined) ctx.addIssue({ code: 'custom', path: ['ach_amount'], message: 'is required when use_same_amount is false' });
  }
});

export const PayEngineCreateLinkRequest = z.object(
  { merchant_id: merchantId, data: CreateData },
  { error: 'The request body must be a JSON object' },
);
export type PayEngineCreateLinkRequest = z.infer<typeof PayEngineCreateLinkRequest>;

/** Update: "same shape as create" (white-label mirror, providers.md §3.3), every `data` field optional. */
export const PayEngineUpdateLinkRequest = z.object(
  {
    merchant_id: merchantId,
    data: z.strictObject(
      Object.fromEntries(Object.entries(dataShape).map(([key, schema]) => [key, schema.optional()])) as {
        [K in keyof typeof dataShape]: z.ZodOptional<(typeof dataShape)[K]>;
      },
      { error: 'must be an object' },
    ),
  },
  { error: 'The request body must be a JSON object' },
);
export type PayEngineUpdateLinkRequest = z.infer<typeof PayEngineUpdateLinkRequest>;

/** `page` default 1; `limit` "Default and minimum is 10; max=500" (list-payment-links). */
export const PayEngineListQuery = z.object({
  page: z.coerce.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }).default(1),
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .max(500, { error: 'must be at most 500' })
    .default(10)
    .transform((limit) => Math.max(limit, 10)),
});
export type PayEngineListQuery = z.infer<typeof PayEngineListQuery>;

export function parsePayEngineInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    throw new PayEngineError(400, `${issue.keys.map((key) => (field ? `${field}.${key}` : key)).join(', ')} is not allowed`);
  }
  // Messages are predicates ("must be …"), so the field name makes the sentence.
  throw new PayEngineError(400, field ? `${field} ${issue.message}` : issue.message);
}

/**
 * Epoch ms of a date as the simulator takes it: `YYYYMMDD`, `YYYY-MM-DD` (the whole UTC day: from 00:00 as a
 * start, until the next midnight as an end — "INACTIVE after this date") or an ISO 8601 date-time.
 */
export function parseSimDate(text: string, edge: 'start' | 'end'): number | undefined {
  const dateOnly = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(text);
  if (dateOnly) {
    const [y, m, d] = dateOnly.slice(1).map(Number) as [number, number, number];
    const start = Date.UTC(y, m - 1, d);
    const check = new Date(start);
    if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return undefined;
    return edge === 'start' ? start : start + 24 * 60 * 60_000;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Cents → "12.50". */
export function formatDollars(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** "12.50" (as `formatDollars` writes it) → 1250. */
export function centsOf(dollars: string): number {
  const [whole = '0', fraction = ''] = dollars.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
}
