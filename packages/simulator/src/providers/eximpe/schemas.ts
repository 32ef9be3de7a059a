/**
 * Request validation for the simulated EximPe API (v1 create reference, §1.3): `amount`, `currency` ("Currently
 * supports INR"), `reference_id`, `buyer`, `product`, `invoice` are required; `expiry_date` is optional.
 * Failures answer in DRF's way: one entry per field path, "This field is required." for a missing one.
 */
import { z } from 'zod';
import { validationError } from './errors.ts';

/** Rupees as a decimal string (v1) or a JSON number (v2 example); at most two decimals, above zero. */
const Rupees = z
  .union([z.string(), z.number()])
  .transform((value) => String(value).trim())
  .refine((text) => /^\d{1,13}(\.\d{1,2})?$/.test(text), { error: 'Ensure that there are no more than 2 decimal places.' })
  .transform((text) => {
    const [whole = '0', fraction = ''] = text.split('.');
    return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  })
  .refine((paise) => paise > 0, { error: 'Ensure this value is greater than 0.' });

const DateTime = z
  .string()
  .refine((text) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) && !Number.isNaN(Date.parse(text)), {
    error: 'Datetime has wrong format. Use ISO 8601 with a time zone, e.g. 2024-12-31T23:59:59Z.',
  })
  .transform((text) => Date.parse(text));

const Phone = z.string().regex(/^\+[1-9]\d{7,14}$/, 'Enter a valid phone number in E.164 format, e.g. +919876543210.');

export const EximPeCreateLinkRequest = z
  .object({
    amount: Rupees,
    currency: z.literal('INR', { error: 'Currently only INR is supported.' }).default('INR'),
    reference_id: z.string().trim().min(1).max(100),
    expiry_date: DateTime.optional(),
    buyer: z
      .object({
        name: z.string().trim().max(100).optional(),
        email: z.email({ error: 'Enter a valid email address.' }).optional(),
        phone: Phone.optional(),
        address: z
          .object({
            line_1: z.string().max(255).optional(),
            line_2: z.string().max(255).nullish(),
            city: z.string().max(100).optional(),
            state: z.string().max(100).optional(),
            postal_code: z.string().max(20).optional(),
            country_code: z.string().length(2).optional(),
          })
          .optional(),
        pan_number: z.string().nullish(),
        dob: z.string().nullish(),
      })
      .loose(),
    product: z
      .object({
        name: z.string().trim().min(1).max(255),
        description: z.string().max(1000).nullish(),
        hs_code: z.string().max(20).nullish(),
        hs_code_description: z.string().max(255).nullish(),
        type_of_goods: z.string().max(50).nullish(),
      })
      .loose(),
    invoice: z
      .object({
        number: z.string().trim().min(1).max(100),
        date: z.iso.date({ error: 'Date has wrong format. Use YYYY-MM-DD.' }).nullish(),
      })
      .loose(),
    // Not in the payment-link reference: the Order API's field (playground create_session.js), honoured here.
    return_url: z.url({ protocol: /^https?$/ }).optional(),
  })
  .loose();
export type EximPeCreateLinkRequest = z.infer<typeof EximPeCreateLinkRequest>;

export const EximPeExtendExpiryRequest = z.object({ expiry_date: DateTime });

export const EximPeShareRequest = z
  .object({ email: z.array(z.email({ error: 'Enter a valid email address.' })).optional(), phone: z.array(Phone).optional() })
  .refine((body) => (body.email?.length ?? 0) + (body.phone?.length ?? 0) > 0, { error: 'Give at least one email or phone.', path: ['email'] });

export const EximPeListQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(100).default(10),
});

/** Parses or throws the DRF-style 400. */
export function parseEximPeInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const details: Record<string, string[]> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path.map(String).join('.') || 'non_field_errors';
    const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
    (details[field] ??= []).push(missing ? 'This field is required.' : issue.message);
  }
  throw validationError(details);
}
