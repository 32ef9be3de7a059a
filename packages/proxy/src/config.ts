/**
 * Configuration: environment variables plus an optional JSON config file (catalog, open amounts, origins),
 * parsed once by zod at start. A bad value stops the start with a message naming the variable (or the file and
 * the path inside it) and what was expected. `process.env` is read here and nowhere else.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CurrencyCode, EventType, type Money, ProviderName } from './contract.ts';
import { parseMajorString } from './money.ts';
import { parseDuration } from './duration.ts';
import { parseDatabaseUrl } from './store/open.ts';
import type { ConfiguredProvider } from './providers/define.ts';
import { httpUrl } from './providers/inputs.ts';
import { PROVIDER_MODULES } from './providers/registry.ts';
import {
  DEFAULT_RETRY_SCHEDULE_MS,
  type WebhookEndpoint,
  WebhookEndpointEntry,
  WebhookSecretText,
  parseDelay,
  resolveEndpoints,
} from './merchant-events/endpoints.ts';
import { Secret } from './secret.ts';
import { type BrandColour, brandColour, contrastRatio, BRAND_TEXT_DARK, BRAND_TEXT_LIGHT, MIN_CONTRAST, normalizeHex } from './pages/brand-colour.ts';
import { PAGE_LANGS, type PageLang } from './pages/languages.ts';

export interface Product {
  id: string;
  name: string;
  description: string | null;
  /** Unit price. */
  amount: Money;
  /** What a mint that names no provider uses: the product's `provider`, else the default provider. */
  provider: ProviderName;
  /** The providers a buyer may name for it: `provider` first, then the rest of the file's `providers` list. */
  providers: ProviderName[];
}

export interface OpenAmountRange {
  currency: string;
  /** Minor units, inclusive. */
  min: number;
  max: number;
  /** As for a product: the range's `provider`, else the default provider. */
  provider: ProviderName;
  /** The providers a buyer may name for it, `provider` first. */
  providers: ProviderName[];
}

export interface ProxyConfig {
  port: number;
  host: string;
  /** Where buyers and providers reach this proxy (webhook URLs, pay pages, the widget's script origin). */
  publicUrl: string;
  /** Origins of merchant pages allowed to mint and read status from a browser; the proxy's own is always in. */
  allowedOrigins: string[];
  defaultProvider: ProviderName;
  linkTtlMs: number;
  providerTimeoutMs: number;
  /**
   * How long after a link expired or was cancelled the proxy keeps asking its provider whether it was paid
   * after all (a late payment whose webhook was lost). See decision 0011.
   */
  latePaymentGraceMs: number;
  /** Request headers and bodies slower than this are cut with 408 (responses, such as SSE streams, are not). */
  requestTimeoutMs: number;
  /**
   * Where the proxy keeps its records: `sqlite:<path>` (the default, `sqlite:data/pay-link.sqlite`) or
   * `postgres://…`. A secret: a Postgres URL may hold a password.
   */
  databaseUrl: Secret;
  testMode: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  products: Product[];
  openAmounts: OpenAmountRange[];
  /** Secrets that verify signed intents; the first signs. Empty: intents are refused. */
  intentSecrets: Secret[];
  /** Bearer tokens of the admin API (`/v1/admin`); any one is accepted (rotation). Empty: the admin API is off. */
  adminTokens: Secret[];
  /** The providers whose variables are set, by name. */
  providers: Partial<Record<ProviderName, ConfiguredProvider>>;
  /** Per client address; 0 turns a limit off. */
  /**
   * Per client address; 0 turns one off. `adminFailuresPerMinute` counts refused admin tokens only,
   * `webhookFailuresPerMinute` webhooks whose signature did not verify.
   */
  rateLimits: { mintPerMinute: number; readPerMinute: number; adminFailuresPerMinute: number; webhookFailuresPerMinute: number };
  /** Express `trust proxy`: whose X-Forwarded-For to believe for the client address (behind a reverse proxy). */
  trustProxy: boolean | number | string;
  /** Folder holding the built widget bundles. */
  widgetDir: string;
  /** `/readyz` also requires every provider to take the credentials (`PAY_LINK_READY_CHECK_PROVIDERS`); default off. */
  readyCheckProviders: boolean;
  /** Where merchant events go (decision 0013); empty: events are only logged in the outbox. */
  webhooks: WebhookEndpoint[];
  /** How long one delivery attempt may take before it counts as failed. */
  webhookTimeoutMs: number;
  /** The waits before each retry after a failed attempt; past the last, the delivery is given up. */
  webhookRetryScheduleMs: number[];
  /** Who the buyer pays, as the pay, buy and receipt pages show it (`PAY_LINK_MERCHANT_*`, or `merchant` in the file). */
  merchant: MerchantIdentity;
}

export interface MerchantIdentity {
  name: string | null;
  /** An https URL (its origin joins the pages' `img-src`) or a path on this proxy's origin, such as `/logo.svg`. */
  logoUrl: string | null;
  supportEmail: string | null;
  /** The colour and the text put on it (white or near-black, whichever reaches 4.5:1; see `pages/brand-colour.ts`). */
  brandColor: BrandColour | null;
  /** The pages' language when neither `?lang=` nor `Accept-Language` names one of the seven. Default: `en`. */
  defaultLang: PageLang;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const DEFAULT_WIDGET_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../widget/dist');

const origin = httpUrl.transform((u) => new URL(u).origin);
const csv = <T extends z.ZodType<string, string>>(item: T) =>
  z
    .string()
    .transform((s) => s.split(',').map((p) => p.trim()).filter(Boolean))
    .pipe(z.array(item));
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const positiveInt = (max: number) => z.coerce.number({ error: 'a whole number' }).int('a whole number').min(1).max(max);

/** A logo the pages can show under their CSP: https anywhere, or a path on the proxy's own origin. */
const LogoUrl = z
  .string()
  .refine((s) => (/^\/[^/\\]/.test(s) && !/[\s"'<>\\]/.test(s)) || (URL.canParse(s) && new URL(s).protocol === 'https:'), 'an https URL or a path on this proxy such as /logo.svg');
const BrandColor = z.string().refine((s) => normalizeHex(s) !== undefined, 'a hex colour such as #2f6b3a');
const Merchant = {
  name: z.string().trim().min(1).max(120),
  logoUrl: LogoUrl,
  supportEmail: z.email('an email address such as help@example.com'),
  brandColor: BrandColor,
  defaultLang: z.enum(PAGE_LANGS, { error: `one of ${PAGE_LANGS.join(', ')}` }),
};

const Env = z.object({
  PORT: positiveInt(65535).default(4000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PAY_LINK_PUBLIC_URL: httpUrl.optional(),
  PAY_LINK_CONFIG: z.string().min(1).optional(),
  PAY_LINK_ALLOWED_ORIGINS: csv(origin).optional(),
  PAY_LINK_PROVIDER: ProviderName.optional(),
  PAY_LINK_LINK_TTL_MINUTES: positiveInt(60 * 24 * 180).default(60),
  PAY_LINK_PROVIDER_TIMEOUT_MS: positiveInt(120_000).default(10_000),
  PAY_LINK_LATE_PAYMENT_GRACE: z
    .string()
    .refine((s) => parseDuration(s) !== undefined, 'a duration such as 7d, 36h or 90m')
    .transform((s) => parseDuration(s)!)
    .default(7 * 86_400_000),
  PAY_LINK_REQUEST_TIMEOUT_MS: positiveInt(600_000).default(30_000),
  PAY_LINK_DATABASE_URL: z
    .string()
    .refine((url) => parseDatabaseUrl(url) !== undefined, 'sqlite:<path> (e.g. sqlite:data/pay-link.sqlite) or postgres://user:password@host:5432/db')
    .default('sqlite:data/pay-link.sqlite'),
  PAY_LINK_TEST_MODE: bool.optional(),
  PAY_LINK_WIDGET_DIR: z.string().min(1).optional(),
  PAY_LINK_INTENT_SECRET: csv(z.string().min(32, 'at least 32 characters (openssl rand -base64 32)')).optional(),
  PAY_LINK_ADMIN_TOKEN: csv(z.string().min(32, 'at least 32 characters (openssl rand -base64 32)')).optional(),
  /** Only the CLI reads it: where the running proxy's admin API is. */
  PAY_LINK_ADMIN_URL: httpUrl.optional(),
  PAY_LINK_RATE_MINT_PER_MINUTE: z.coerce.number({ error: 'a whole number' }).int('a whole number').min(0).default(30),
  PAY_LINK_RATE_READ_PER_MINUTE: z.coerce.number({ error: 'a whole number' }).int('a whole number').min(0).default(600),
  PAY_LINK_RATE_ADMIN_FAILURES_PER_MINUTE: z.coerce.number({ error: 'a whole number' }).int('a whole number').min(0).default(10),
  PAY_LINK_RATE_WEBHOOK_FAILURES_PER_MINUTE: z.coerce.number({ error: 'a whole number' }).int('a whole number').min(0).default(30),
  PAY_LINK_TRUST_PROXY: z
    .string()
    .regex(/^(false|true|loopback|uniquelocal|linklocal|\d{1,2})$/, 'false, loopback, uniquelocal, linklocal, true, or a hop count such as 1')
    .default('false'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PAY_LINK_WEBHOOK_URL: httpUrl.optional(),
  PAY_LINK_WEBHOOK_SECRET: csv(WebhookSecretText).pipe(z.array(z.string()).min(1, 'at least one secret')).optional(),
  PAY_LINK_WEBHOOK_EVENTS: csv(EventType).pipe(z.array(EventType).min(1, 'at least one event type')).optional(),
  PAY_LINK_WEBHOOK_TIMEOUT_MS: positiveInt(60_000).default(10_000),
  PAY_LINK_WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .transform((s) => s.split(',').map((p) => parseDelay(p)))
    .refine((delays) => delays.every((d) => d !== undefined) && delays.length <= 50, 'comma-separated waits such as 5s,5m,30m,2h (at most 50)')
    .transform((delays) => delays as number[])
    .optional(),
  PAY_LINK_MERCHANT_NAME: Merchant.name.optional(),
  PAY_LINK_MERCHANT_LOGO_URL: Merchant.logoUrl.optional(),
  PAY_LINK_MERCHANT_SUPPORT_EMAIL: Merchant.supportEmail.optional(),
  PAY_LINK_MERCHANT_BRAND_COLOR: Merchant.brandColor.optional(),
  PAY_LINK_DEFAULT_LANG: Merchant.defaultLang.optional(),
  PAY_LINK_READY_CHECK_PROVIDERS: z
    .enum(['true', 'false', '1', '0'], { error: 'true or false (1 or 0): whether /readyz also checks the provider credentials' })
    .transform((v) => v === 'true' || v === '1')
    .default(false),
});

const Price = z.union([
  z.object({ amount: z.number().int().positive(), currency: CurrencyCode }),
  z.object({ price: z.string(), currency: CurrencyCode }),
]);

const ConfigFile = z
  .object({
    products: z
      .array(
        z
          .object({
            id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, dot, dash or underscore'),
            name: z.string().min(1).max(200),
            description: z.string().max(2000).optional(),
            provider: ProviderName.optional(),
            /** Opens the choice of provider to the buyer (`provider` in the mint request), among these. */
            providers: z.array(ProviderName).min(1).optional(),
          })
          .and(Price),
      )
      .default([]),
    openAmounts: z
      .array(
        z.object({
          currency: CurrencyCode,
          min: z.string(),
          max: z.string(),
          provider: ProviderName.optional(),
          providers: z.array(ProviderName).min(1).optional(),
        }),
      )
      .default([]),
    allowedOrigins: z.array(origin).default([]),
    /** The merchant's endpoints for events (decision 0013). */
    webhooks: z.array(WebhookEndpointEntry).default([]),
    /** The merchant's name, logo, support address, brand colour and default language; the variables win. */
    merchant: z.object(Merchant).partial().strict().default({}),
  })
  .strict();

/** Parses the environment (and the config file it names). Throws `ConfigError` naming the culprit. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): ProxyConfig {
  const parsed = Env.safeParse(stripEmpty(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    throw new ConfigError(`${name}: expected ${issue.message}${describeGot(env[name], name)}`);
  }
  const e = parsed.data;

  const file = e.PAY_LINK_CONFIG ? readConfigFile(e.PAY_LINK_CONFIG, readFile) : ConfigFile.parse({});

  const providers: ProxyConfig['providers'] = {};
  for (const module of PROVIDER_MODULES) {
    const setup = module.configure(stripEmpty(env), { timeoutMs: e.PAY_LINK_PROVIDER_TIMEOUT_MS });
    if (setup.kind === 'absent') continue;
    if (setup.kind === 'invalid') {
      throw new ConfigError(`${setup.variable}: expected ${setup.expected}${describeGot(env[setup.variable], setup.variable)}`);
    }
    if (setup.kind === 'missing') {
      throw new ConfigError(`${setup.variable}: required when any ${module.required[0]!.split('_')[0]}_* variable is set (${module.required.join(', ')})`);
    }
    providers[module.name] = setup.provider;
  }

  const configured = Object.keys(providers) as ProviderName[];
  if (configured.length === 0) {
    const first = PROVIDER_MODULES[0]!;
    throw new ConfigError(
      `${first.required[0]}: no payment provider is configured; set the variables of one (${PROVIDER_MODULES.map((m) => m.required.join(' + ')).join('; or ')})`,
    );
  }
  const defaultProvider = e.PAY_LINK_PROVIDER ?? configured[0]!;
  if (!configured.includes(defaultProvider)) {
    throw new ConfigError(`PAY_LINK_PROVIDER: "${defaultProvider}" is not configured (configured: ${configured.join(', ')})`);
  }

  const where = `PAY_LINK_CONFIG (${e.PAY_LINK_CONFIG})`;
  const products: Product[] = file.products.map((p, i) => {
    const { provider, providers } = catalogProviders(p, `${where}: products.${i}`, defaultProvider, configured);
    return {
      id: p.id,
      name: p.name,
      description: p.description ?? null,
      provider,
      providers,
      amount: { value: 'amount' in p ? p.amount : toMinor(p.price, p.currency, `${where}: products.${i}.price`), currency: p.currency },
    };
  });
  const duplicate = products.find((p, i) => products.findIndex((q) => q.id === p.id) !== i);
  if (duplicate) throw new ConfigError(`${where}: products: the id "${duplicate.id}" is used twice`);

  const openAmounts: OpenAmountRange[] = file.openAmounts.map((r, i) => {
    const range = {
      currency: r.currency,
      min: toMinor(r.min, r.currency, `${where}: openAmounts.${i}.min`),
      max: toMinor(r.max, r.currency, `${where}: openAmounts.${i}.max`),
      ...catalogProviders(r, `${where}: openAmounts.${i}`, defaultProvider, configured),
    };
    if (range.min > range.max) throw new ConfigError(`${where}: openAmounts.${i}: min is above max`);
    return range;
  });

  const publicUrl = (e.PAY_LINK_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  const testMode = e.PAY_LINK_TEST_MODE ?? Object.values(providers).some((p) => p?.testMode);
  if ((e.PAY_LINK_WEBHOOK_URL === undefined) !== (e.PAY_LINK_WEBHOOK_SECRET === undefined)) {
    const missing = e.PAY_LINK_WEBHOOK_URL === undefined ? 'PAY_LINK_WEBHOOK_URL' : 'PAY_LINK_WEBHOOK_SECRET';
    throw new ConfigError(`${missing}: required with ${missing === 'PAY_LINK_WEBHOOK_URL' ? 'PAY_LINK_WEBHOOK_SECRET' : 'PAY_LINK_WEBHOOK_URL'} (the merchant's endpoint for events and its whsec_ secret)`);
  }
  if (e.PAY_LINK_WEBHOOK_EVENTS !== undefined && e.PAY_LINK_WEBHOOK_URL === undefined) {
    throw new ConfigError('PAY_LINK_WEBHOOK_EVENTS: goes with PAY_LINK_WEBHOOK_URL (the config file sets events per endpoint)');
  }
  const endpointEntries = [
    ...file.webhooks.map((entry, i) => ({ entry, where: `${where}: webhooks.${i}.url` })),
    ...(e.PAY_LINK_WEBHOOK_URL
      ? [{ entry: { url: e.PAY_LINK_WEBHOOK_URL, secret: e.PAY_LINK_WEBHOOK_SECRET!, events: e.PAY_LINK_WEBHOOK_EVENTS }, where: 'PAY_LINK_WEBHOOK_URL' }]
      : []),
  ];
  let webhooks: WebhookEndpoint[];
  try {
    webhooks = resolveEndpoints(endpointEntries, { testMode, publicUrl, port: e.PORT });
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    allowedOrigins: [...new Set([new URL(publicUrl).origin, ...file.allowedOrigins, ...(e.PAY_LINK_ALLOWED_ORIGINS ?? [])])],
    defaultProvider,
    linkTtlMs: e.PAY_LINK_LINK_TTL_MINUTES * 60_000,
    providerTimeoutMs: e.PAY_LINK_PROVIDER_TIMEOUT_MS,
    latePaymentGraceMs: e.PAY_LINK_LATE_PAYMENT_GRACE,
    requestTimeoutMs: e.PAY_LINK_REQUEST_TIMEOUT_MS,
    databaseUrl: new Secret(e.PAY_LINK_DATABASE_URL),
    testMode,
    logLevel: e.LOG_LEVEL,
    products,
    openAmounts,
    intentSecrets: (e.PAY_LINK_INTENT_SECRET ?? []).map((s) => new Secret(s)),
    adminTokens: (e.PAY_LINK_ADMIN_TOKEN ?? []).map((s) => new Secret(s)),
    providers,
    rateLimits: {
      mintPerMinute: e.PAY_LINK_RATE_MINT_PER_MINUTE,
      readPerMinute: e.PAY_LINK_RATE_READ_PER_MINUTE,
      adminFailuresPerMinute: e.PAY_LINK_RATE_ADMIN_FAILURES_PER_MINUTE,
      webhookFailuresPerMinute: e.PAY_LINK_RATE_WEBHOOK_FAILURES_PER_MINUTE,
    },
    trustProxy: e.PAY_LINK_TRUST_PROXY === 'false' ? false : e.PAY_LINK_TRUST_PROXY === 'true' ? true : /^\d+$/.test(e.PAY_LINK_TRUST_PROXY) ? Number(e.PAY_LINK_TRUST_PROXY) : e.PAY_LINK_TRUST_PROXY,
    widgetDir: e.PAY_LINK_WIDGET_DIR ?? DEFAULT_WIDGET_DIR,
    readyCheckProviders: e.PAY_LINK_READY_CHECK_PROVIDERS,
    webhooks,
    webhookTimeoutMs: e.PAY_LINK_WEBHOOK_TIMEOUT_MS,
    webhookRetryScheduleMs: e.PAY_LINK_WEBHOOK_RETRY_SCHEDULE ?? DEFAULT_RETRY_SCHEDULE_MS,
    merchant: merchantIdentity(e, file.merchant, where),
  };
}

/**
 * The merchant as the pages show them: each variable, else the file's `merchant` entry. A brand colour on which
 * neither white nor near-black text reaches 4.5:1 stops the start, naming where it came from.
 */
function merchantIdentity(e: z.infer<typeof Env>, file: z.infer<typeof ConfigFile>['merchant'], where: string): MerchantIdentity {
  const colour = e.PAY_LINK_MERCHANT_BRAND_COLOR ?? file.brandColor;
  const brandColor = colour === undefined ? null : brandColour(colour);
  if (brandColor === undefined) {
    const hex = normalizeHex(colour!)!;
    const name = e.PAY_LINK_MERCHANT_BRAND_COLOR !== undefined ? 'PAY_LINK_MERCHANT_BRAND_COLOR' : `${where}: merchant.brandColor`;
    const ratio = (text: string) => contrastRatio(hex, text).toFixed(2);
    throw new ConfigError(
      `${name}: text on "${colour}" cannot reach the ${MIN_CONTRAST}:1 contrast WCAG AA asks (white ${ratio(BRAND_TEXT_LIGHT)}:1, ${BRAND_TEXT_DARK} ${ratio(BRAND_TEXT_DARK)}:1); pick a darker or a lighter shade`,
    );
  }
  return {
    name: e.PAY_LINK_MERCHANT_NAME ?? file.name ?? null,
    logoUrl: e.PAY_LINK_MERCHANT_LOGO_URL ?? file.logoUrl ?? null,
    supportEmail: e.PAY_LINK_MERCHANT_SUPPORT_EMAIL ?? file.supportEmail ?? null,
    brandColor,
    defaultLang: e.PAY_LINK_DEFAULT_LANG ?? file.defaultLang ?? 'en',
  };
}

function readConfigFile(path: string, readFile: (path: string) => string): z.infer<typeof ConfigFile> {
  let text: string;
  try {
    text = readFile(path);
  } catch (err) {
    throw new ConfigError(`PAY_LINK_CONFIG: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`PAY_LINK_CONFIG (${path}): not valid JSON: ${(err as Error).message}`);
  }
  const parsed = ConfigFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`PAY_LINK_CONFIG (${path}): ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * A catalog entry's provider and the providers a buyer may choose from for it. The entry's `provider` (else the
 * default) is binding unless a `providers` list opens a choice; every listed provider must be configured, and the
 * list must hold the entry's own provider, so the one used without a choice is always one of the choice.
 */
function catalogProviders(
  entry: { provider?: ProviderName; providers?: ProviderName[] },
  where: string,
  defaultProvider: ProviderName,
  configured: readonly ProviderName[],
): { provider: ProviderName; providers: ProviderName[] } {
  const provider = entry.provider ?? defaultProvider;
  if (!configured.includes(provider)) throw new ConfigError(`${where}.provider: "${provider}" is not configured`);
  if (entry.providers === undefined) return { provider, providers: [provider] };
  entry.providers.forEach((name, j) => {
    if (!configured.includes(name)) {
      throw new ConfigError(`${where}.providers.${j}: "${name}" is not configured (configured: ${configured.join(', ')})`);
    }
    if (entry.providers!.indexOf(name) !== j) throw new ConfigError(`${where}.providers.${j}: "${name}" is listed twice`);
  });
  if (!entry.providers.includes(provider)) {
    const whose = entry.provider !== undefined ? 'its own provider' : 'the default provider (PAY_LINK_PROVIDER, else the first configured)';
    throw new ConfigError(`${where}.providers: must include "${provider}", ${whose}; or set provider to one of the list`);
  }
  return { provider, providers: [provider, ...entry.providers.filter((name) => name !== provider)] };
}

function toMinor(price: string, currency: string, where: string): number {
  const minor = parseMajorString(price, currency);
  if (minor === undefined || minor <= 0) {
    throw new ConfigError(`${where}: expected a positive decimal price in ${currency} such as "1500.00", got "${price}"`);
  }
  return minor;
}

/** An empty variable counts as unset, as most shells and .env files mean it. */
function stripEmpty(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
}

function describeGot(value: string | undefined, name: string): string {
  if (value === undefined || value === '') return ' (it is not set)';
  // Never echo a secret back, even a malformed one.
  if (/SECRET|KEY|TOKEN|PASSWORD|DATABASE_URL/.test(name)) return '';
  return `, got "${value.length > 80 ? `${value.slice(0, 80)}…` : value}"`;
}

/** What `pay-link intent` needs: the signing secret and where the pay page lives. No provider required. */
export function loadSigningConfig(env: Record<string, string | undefined> = process.env): { secret: Secret; publicUrl: string } {
  const parsed = Env.pick({ PORT: true, PAY_LINK_PUBLIC_URL: true, PAY_LINK_INTENT_SECRET: true }).safeParse(stripEmpty(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    throw new ConfigError(`${name}: expected ${issue.message}${describeGot(env[name], name)}`);
  }
  const secret = parsed.data.PAY_LINK_INTENT_SECRET?.[0];
  if (!secret) throw new ConfigError('PAY_LINK_INTENT_SECRET: required to sign intents (openssl rand -base64 32)');
  return {
    secret: new Secret(secret),
    publicUrl: (parsed.data.PAY_LINK_PUBLIC_URL ?? `http://localhost:${parsed.data.PORT}`).replace(/\/+$/, ''),
  };
}

/**
 * What the `pay-link links …` commands need: where the running proxy's admin API is (`PAY_LINK_ADMIN_URL`, else
 * `PAY_LINK_PUBLIC_URL`, else `http://localhost:4000`) and the token to present (the first of
 * `PAY_LINK_ADMIN_TOKEN`). No provider required.
 */
export function loadAdminClientConfig(env: Record<string, string | undefined> = process.env): { url: string; token: Secret } {
  const parsed = Env.pick({ PORT: true, PAY_LINK_PUBLIC_URL: true, PAY_LINK_ADMIN_URL: true, PAY_LINK_ADMIN_TOKEN: true }).safeParse(
    stripEmpty(env),
  );
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0]);
    throw new ConfigError(`${name}: expected ${issue.message}${describeGot(env[name], name)}`);
  }
  const token = parsed.data.PAY_LINK_ADMIN_TOKEN?.[0];
  if (!token) throw new ConfigError('PAY_LINK_ADMIN_TOKEN: required to use the admin API (the same value the proxy runs with)');
  const url = parsed.data.PAY_LINK_ADMIN_URL ?? parsed.data.PAY_LINK_PUBLIC_URL ?? `http://localhost:${parsed.data.PORT}`;
  return { url: url.replace(/\/+$/, ''), token: new Secret(token) };
}
