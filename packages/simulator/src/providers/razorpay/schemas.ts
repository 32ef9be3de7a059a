/**
 * Request schemas for the Payment Links REST API, with Razorpay's error texts where the docs list them
 * (shared/providers.md §5.3, §5.7) and Laravel-style texts, like the rest of Razorpay's API, elsewhere.
 *
 * Only the shape is checked here; rules that need the clock or the store (expiry window, unique
 * reference_id) live in `links.ts`.
 */
import { z } from 'zod';
import { invalidField, RazorpayError } from './errors.ts';

/** "wrong input fields sent." — the docs' text for fields the endpoint does not take. */
export const UNKNOWN_FIELDS = 'wrong input fields sent.';

/**
 * Notes: at most 15 pairs; values over 255 characters are rejected (create-standard.md and its error list,
 * providers.md §5.3).
 */
export const MAX_NOTES = 15;
export const MAX_NOTE_LENGTH = 255;

export const label = (field: string) => field.replace(/_/g, ' ');

export function integerField(field: string) {
  return z.int({
    error: (issue) =>
      issue.input === undefined ? `The ${label(field)} field is required.` : `The ${label(field)} must be an integer.`,
  });
}

export function booleanField(field: string) {
  return z.boolean({ error: `The ${label(field)} field must be true or false.` });
}

export function stringField(field: string, max: number) {
  return z
    .string({ error: `The ${label(field)} must be a string.` })
    .max(max, { error: `The ${label(field)} may not be greater than ${max} characters.` });
}

export const notesSchema = z
  .record(z.string(), z.union([z.string(), z.number()]), { error: 'The notes must be an object.' })
  .superRefine((notes, ctx) => {
    if (Object.keys(notes).length > MAX_NOTES) {
      ctx.addIssue({ code: 'custom', message: `Number of fields in notes should be less than or equal to ${MAX_NOTES}` });
    }
    for (const [key, value] of Object.entries(notes)) {
      if (String(value).length > MAX_NOTE_LENGTH) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'value: the length must not be greater than 255.' });
      }
    }
  })
  .transform((notes) => Object.fromEntries(Object.entries(notes).map(([key, value]) => [key, String(value)])));

export const customerSchema = z.strictObject(
  {
    name: stringField('name', 255).optional(),
    email: z.email({ error: 'The email must be a valid email address.' }).optional(),
    contact: stringField('contact', 20).optional(),
  },
  { error: 'The customer must be an object.' },
);

const notifySchema = z.strictObject(
  {
    sms: booleanField('sms').optional(),
    email: booleanField('email').optional(),
    // Not in the REST docs, but in razorpay-node's PaymentLink types.
    whatsapp: booleanField('whatsapp').optional(),
  },
  { error: 'The notify must be an object.' },
);

export const bodyError = { error: 'The request body must be a JSON object.' };

export const RazorpayCreateLinkRequest = z.strictObject(
  {
    amount: integerField('amount'),
    currency: z
      .string({ error: 'The currency must be a string.' })
      .regex(/^[A-Z]{3}$/, { error: 'The selected currency is invalid.' })
      .default('INR'),
    accept_partial: booleanField('accept_partial').default(false),
    first_min_partial_amount: integerField('first_min_partial_amount').optional(),
    description: stringField('description', 2048).default(''),
    reference_id: stringField('reference_id', 40).optional(),
    expire_by: integerField('expire_by').optional(),
    customer: customerSchema.optional(),
    notify: notifySchema.optional(),
    reminder_enable: booleanField('reminder_enable').default(false),
    notes: notesSchema.optional(),
    callback_url: z.url({ protocol: /^https?$/, error: 'The callback url format is invalid.' }).optional(),
    callback_method: z.literal('get', { error: 'The selected callback method is invalid.' }).optional(),
    upi_link: booleanField('upi_link').default(false),
  },
  bodyError,
);
export type RazorpayCreateLinkRequest = z.infer<typeof RazorpayCreateLinkRequest>;

/** PATCH takes exactly these five (update-standard.md; razorpay-node types). */
export const RazorpayUpdateLinkRequest = z.strictObject(
  {
    accept_partial: booleanField('accept_partial').optional(),
    reference_id: stringField('reference_id', 40).optional(),
    expire_by: integerField('expire_by').optional(),
    notes: notesSchema.optional(),
    reminder_enable: booleanField('reminder_enable').optional(),
  },
  bodyError,
);
export type RazorpayUpdateLinkRequest = z.infer<typeof RazorpayUpdateLinkRequest>;

export const queryInteger = (field: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: `The ${label(field)} must be an integer.` })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { error: `The ${label(field)} must be at least ${min}.` })
        .max(max, { error: `The ${label(field)} may not be greater than ${max}.` }),
    );

/** Query of `GET /v1/payment_links`: `payment_id`, `reference_id` (docs) plus the SDK's `from, to, count, skip`. */
export const RazorpayListLinksQuery = z.strictObject({
  reference_id: z.string().optional(),
  payment_id: z.string().optional(),
  from: queryInteger('from', 0, Number.MAX_SAFE_INTEGER).optional(),
  to: queryInteger('to', 0, Number.MAX_SAFE_INTEGER).optional(),
  count: queryInteger('count', 1, 100).default(10),
  skip: queryInteger('skip', 0, Number.MAX_SAFE_INTEGER).default(0),
});
export type RazorpayListLinksQuery = z.infer<typeof RazorpayListLinksQuery>;

/**
 * Parses with `schema` or throws the Razorpay 400 for the first problem. Unknown fields are reported before
 * anything else, and `error.field` names the offending field by its dotted path (`customer.email`).
 */
export function parseRazorpayInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const unknown = issues.find((issue) => issue.code === 'unrecognized_keys');
  if (unknown?.code === 'unrecognized_keys') {
    throw invalidField([...unknown.path, unknown.keys[0]].join('.'), UNKNOWN_FIELDS);
  }
  const [first] = issues;
  if (!first) throw new RazorpayError(400, 'Invalid request');
  if (first.path.length === 0) throw new RazorpayError(400, first.message);
  throw invalidField(first.path.join('.'), first.message);
}
