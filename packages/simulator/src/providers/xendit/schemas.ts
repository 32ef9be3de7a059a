/**
 * Request schemas of the Invoices API with the rules shared/providers.md §2.3–§2.4 documents: `external_id` and
 * `amount` required, the SDK's currency enum (else `UNSUPPORTED_CURRENCY`), `invoice_duration` in seconds up to
 * one year, metadata limits (50 keys, names ≤ 40, values ≤ 500 characters), e-mail formats (else
 * `EMAIL_FORMAT_ERROR`). Fields the SDK's `CreateInvoiceRequest` has that the simulator does not act on
 * (reminders, fees, channel properties …) are accepted and ignored, as Xendit ignores what it does not need.
 */
import { z } from 'zod';
import { validationError, XenditError } from './errors.ts';
import { XENDIT_CURRENCIES, XENDIT_INVOICE_STATUSES } from './wire.ts';

/**
 * "Maximum 1 year" (docs.xendit.co/xeninvoice/faq); the exact number is UNCONFIRMED (§9), 365 days is taken.
 * Default 24 h (help.xendit.co/hc/en-us/articles/360032276451).
 */
export const MAX_INVOICE_DURATION_SECONDS = 365 * 24 * 60 * 60;
export const DEFAULT_INVOICE_DURATION_SECONDS = 24 * 60 * 60;
/** `CreateInvoiceRequest.metadata`: up to 50 keys, key names up to 40 characters, values up to 500. */
const MAX_METADATA_KEYS = 50;
const MAX_METADATA_KEY_LENGTH = 40;
const MAX_METADATA_VALUE_LENGTH = 500;

/** Joi's wording, which Xendit's validation messages follow (`"amount" must be a number`). */
const required = (field: string) => `"${field}" is required`;
const mustBe = (field: string, what: string) => `"${field}" must be ${what}`;

const typed = <T extends z.ZodType>(field: string, what: string, schema: (error: (issue: { input: unknown }) => string) => T) =>
  schema((issue) => (issue.input === undefined ? required(field) : mustBe(field, what)));

const email = (field: string) =>
  z.string({ error: mustBe(field, 'a string') }).refine((value) => z.email().safeParse(value).success, {
    error: `EMAIL_FORMAT_ERROR:${field}`,
  });

const httpUrl = (field: string) =>
  z
    .string({ error: mustBe(field, 'a string') })
    .refine((value) => z.url({ protocol: /^https?$/ }).safeParse(value).success, { error: mustBe(field, 'a valid uri') });

const customer = z
  .looseObject(
    {
      given_names: z.string({ error: mustBe('customer.given_names', 'a string') }).optional(),
      surname: z.string({ error: mustBe('customer.surname', 'a string') }).optional(),
      email: email('customer.email').optional(),
      mobile_number: z
        .string({ error: mustBe('customer.mobile_number', 'a string') })
        .regex(/^\+[1-9]\d{5,14}$/, { error: mustBe('customer.mobile_number', 'in E.164 format') })
        .optional(),
    },
    { error: mustBe('customer', 'of type object') },
  );

const item = z.looseObject(
  {
    name: typed('items.name', 'a string', (error) => z.string({ error })),
    quantity: typed('items.quantity', 'a number', (error) => z.number({ error }).int({ error: mustBe('items.quantity', 'an integer') }).positive()),
    price: typed('items.price', 'a number', (error) => z.number({ error }).nonnegative()),
    category: z.string().optional(),
    url: z.string().optional(),
  },
  { error: mustBe('items', 'an array of objects') },
);

const metadata = z
  .record(z.string(), z.unknown(), { error: mustBe('metadata', 'of type object') })
  .superRefine((value, ctx) => {
    const keys = Object.keys(value);
    if (keys.length > MAX_METADATA_KEYS) ctx.addIssue({ code: 'custom', message: `"metadata" must have less than or equal to ${MAX_METADATA_KEYS} keys` });
    for (const key of keys) {
      if (key.length > MAX_METADATA_KEY_LENGTH) {
        ctx.addIssue({ code: 'custom', message: `"metadata" key "${key.slice(0, 60)}" must be less than or equal to ${MAX_METADATA_KEY_LENGTH} characters long` });
      }
      const text = typeof value[key] === 'string' ? (value[key] as string) : JSON.stringify(value[key]);
      if (text.length > MAX_METADATA_VALUE_LENGTH) {
        ctx.addIssue({ code: 'custom', message: `"metadata.${key}" length must be less than or equal to ${MAX_METADATA_VALUE_LENGTH} characters long` });
      }
    }
  });

export const XenditCreateInvoiceRequest = z.looseObject(
  {
    external_id: typed('external_id', 'a string', (error) => z.string({ error }).min(1, { error: '"external_id" is not allowed to be empty' })),
    amount: typed('amount', 'a number', (error) => z.number({ error }).positive({ error: mustBe('amount', 'a positive number') })),
    currency: z
      .string({ error: mustBe('currency', 'a string') })
      .refine((value) => (XENDIT_CURRENCIES as readonly string[]).includes(value), { error: 'UNSUPPORTED_CURRENCY' })
      .transform((value) => value as (typeof XENDIT_CURRENCIES)[number])
      .default('IDR'),
    invoice_duration: typed('invoice_duration', 'a number', (error) => z.number({ error }))
      .refine((value) => value > 0, { error: mustBe('invoice_duration', 'a positive number') })
      .refine((value) => value <= MAX_INVOICE_DURATION_SECONDS, {
        error: mustBe('invoice_duration', `less than or equal to ${MAX_INVOICE_DURATION_SECONDS}`),
      })
      .default(DEFAULT_INVOICE_DURATION_SECONDS),
    description: z.string({ error: mustBe('description', 'a string') }).optional(),
    payer_email: email('payer_email').optional(),
    customer: customer.optional(),
    should_send_email: z.boolean({ error: mustBe('should_send_email', 'a boolean') }).default(false),
    success_redirect_url: httpUrl('success_redirect_url').optional(),
    failure_redirect_url: httpUrl('failure_redirect_url').optional(),
    items: z.array(item, { error: mustBe('items', 'an array') }).optional(),
    metadata: metadata.optional(),
    payment_methods: z.array(z.string(), { error: mustBe('payment_methods', 'an array of strings') }).optional(),
  },
  { error: mustBe('value', 'of type object') },
);
export type XenditCreateInvoiceRequest = z.infer<typeof XenditCreateInvoiceRequest>;

const isoDate = (field: string) =>
  z
    .string()
    .refine((value) => !Number.isNaN(Date.parse(value)), { error: mustBe(field, 'a valid ISO 8601 date') })
    .transform((value) => Date.parse(value));

/**
 * `statuses` arrives as repeated keys from the SDK (`statuses=PAID&statuses=EXPIRED`), as `statuses[]` from PHP
 * style clients, or as a JSON array string (`statuses=["PAID"]`, the API reference's form): all are read.
 */
const statuses = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : value.trim().startsWith('[') ? parseJsonArray(value) : value.split(',')))
  .pipe(z.array(z.enum(XENDIT_INVOICE_STATUSES, { error: mustBe('statuses', `one of [${XENDIT_INVOICE_STATUSES.join(', ')}]`) })));

/** Query of `GET /v2/invoices` (SDK `GetInvoicesRequest`). `limit`: default 10, at most 100 (assumed). */
export const XenditListInvoicesQuery = z.looseObject({
  external_id: z.string().optional(),
  statuses: statuses.optional(),
  'statuses[]': statuses.optional(),
  limit: z
    .string()
    .regex(/^\d+$/, { error: mustBe('limit', 'a number') })
    .transform(Number)
    .pipe(z.number().min(1, { error: mustBe('limit', 'greater than or equal to 1') }).max(100, { error: mustBe('limit', 'less than or equal to 100') }))
    .default(10),
  created_after: isoDate('created_after').optional(),
  created_before: isoDate('created_before').optional(),
  paid_after: isoDate('paid_after').optional(),
  paid_before: isoDate('paid_before').optional(),
  expired_after: isoDate('expired_after').optional(),
  expired_before: isoDate('expired_before').optional(),
  last_invoice: z.string().optional(),
});
export type XenditListInvoicesQuery = z.infer<typeof XenditListInvoicesQuery>;

/** Parses with `schema` or throws Xendit's 400 for the first problem, with its own code where the SDK lists one. */
export function parseXenditInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const first = result.error.issues[0];
  if (!first) throw validationError('Invalid request');
  if (first.message === 'UNSUPPORTED_CURRENCY') {
    throw new XenditError(400, 'UNSUPPORTED_CURRENCY', 'Invoice currency is not supported for this business');
  }
  if (first.message.startsWith('EMAIL_FORMAT_ERROR:')) {
    throw new XenditError(400, 'EMAIL_FORMAT_ERROR', `${first.message.slice('EMAIL_FORMAT_ERROR:'.length)} format is invalid`);
  }
  throw validationError(first.message);
}

function parseJsonArray(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return [text];
  }
}
