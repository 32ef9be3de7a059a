/**
 * Request schemas for the legacy Payment Links API (`/v1/invoices` with `type=link`): the seed's parameters
 * (shared/seeds/razorpay-payment-links.txt, providers.md §5.4), with the shared helpers and error texts of
 * `schemas.ts`. Rules that need the clock or the store (unique `receipt`, expiry in the future, which fields a
 * status lets you update) live in `invoices.ts`.
 */
import { z } from 'zod';
import {
  bodyError,
  customerSchema,
  integerField,
  label,
  notesSchema,
  queryInteger,
  stringField,
} from './schemas.ts';

/**
 * The seed types its switches loosely: `sms_notify`/`email_notify` "boolean … If 0 … If 1", `partial_payment`
 * "string … Defaults to 0"; razorpay-node types take `boolean | 0 | 1`. All of those are accepted.
 */
function switchField(field: string) {
  return z
    .union([z.boolean(), z.literal(0), z.literal(1), z.literal('0'), z.literal('1')], {
      error: `The ${label(field)} field must be true or false.`,
    })
    .transform((value) => value === true || value === 1 || value === '1');
}

/** "Must send type=link" (seed: `type` mandatory, in: link/ecod/invoice). */
const typeField = z.enum(['link', 'ecod', 'invoice'], {
  error: (issue) => (issue.input === undefined ? 'The type field is required.' : 'The selected type is invalid.'),
});

const currencyField = z
  .string({ error: 'The currency must be a string.' })
  .regex(/^[A-Z]{3}$/, { error: 'The selected currency is invalid.' });

/** `receipt`: 1 to 40 characters, like `invoice_number` which mirrors it (invoices/entity.md). */
const receiptField = stringField('receipt', 40).min(1, { error: 'The receipt must be at least 1 characters.' });

export const RazorpayCreateInvoiceLinkRequest = z.strictObject(
  {
    type: typeField,
    amount: integerField('amount'),
    description: z
      .string({
        error: (issue) => (issue.input === undefined ? 'The description field is required.' : 'The description must be a string.'),
      })
      .min(1, { error: 'The description field is required.' })
      .max(2048, { error: 'The description may not be greater than 2048 characters.' }),
    customer_id: z.string({ error: 'The customer id must be a string.' }).regex(/^cust_\w+$/, { error: 'The customer id is invalid.' }).optional(),
    customer: customerSchema.optional(),
    view_less: switchField('view_less').default(true),
    currency: currencyField.default('INR'),
    receipt: receiptField.optional(),
    expire_by: integerField('expire_by').optional(),
    // Razorpay notifies unless told otherwise (invoices/update.md: "`true` (default)").
    sms_notify: switchField('sms_notify').default(true),
    email_notify: switchField('email_notify').default(true),
    notes: notesSchema.optional(),
    partial_payment: switchField('partial_payment').default(false),
    first_payment_min_amount: integerField('first_payment_min_amount').optional(),
  },
  bodyError,
);
export type RazorpayCreateInvoiceLinkRequest = z.infer<typeof RazorpayCreateInvoiceLinkRequest>;

/**
 * PATCH takes the seed's three (`partial_payment`, `receipt`, `expire_by`) and `notes`, the one field an
 * invoice past `issued` still lets you change (invoices/update.md).
 */
export const RazorpayUpdateInvoiceLinkRequest = z.strictObject(
  {
    partial_payment: switchField('partial_payment').optional(),
    receipt: receiptField.optional(),
    expire_by: integerField('expire_by').optional(),
    notes: notesSchema.optional(),
  },
  bodyError,
);
export type RazorpayUpdateInvoiceLinkRequest = z.infer<typeof RazorpayUpdateInvoiceLinkRequest>;

/** Query of `GET /v1/invoices`: the seed's `payment_id, receipt, customer_id`, plus `type` and the SDK's paging. */
export const RazorpayListInvoicesQuery = z.strictObject({
  type: typeField.optional(),
  payment_id: z.string().optional(),
  receipt: z.string().optional(),
  customer_id: z.string().optional(),
  from: queryInteger('from', 0, Number.MAX_SAFE_INTEGER).optional(),
  to: queryInteger('to', 0, Number.MAX_SAFE_INTEGER).optional(),
  count: queryInteger('count', 1, 100).default(10),
  skip: queryInteger('skip', 0, Number.MAX_SAFE_INTEGER).default(0),
});
export type RazorpayListInvoicesQuery = z.infer<typeof RazorpayListInvoicesQuery>;
