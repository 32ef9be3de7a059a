/**
 * How a provider plugs into the proxy, typed once (decision 0019). A provider is one `defineProvider({...})`:
 * its environment variables (zod, refused by name), the settings they make, the facts the core relies on stated
 * in data (its amount policy, whether it refuses a reused reference, what an unknown status word becomes), and
 * the operations its adapter implements. `defineProvider` derives the rest: the adapter's capabilities from the
 * operations present, its currencies from the amount policy, and a configured provider whose settings are closed
 * over, so `config.ts`, `app.ts` and the registry hold providers of different settings types without a cast.
 * Adding a provider is one folder plus one line in `registry.ts`.
 */
import type { z } from 'zod';
import type { ProviderName } from '../contract.ts';
import type { AmountPolicy } from './amounts.ts';
import { type ProviderCallRecord, type ProviderHttp, type ProviderHttpOptions, createProviderHttp } from './http.ts';
import { type StatusWordReader, type UNKNOWN_STATUS_READING, createStatusWordReader } from './status-words.ts';
import type { ProviderAdapter, ProviderCapabilities } from './types.ts';

export interface ProviderDeps {
  fetch?: typeof fetch;
  now: () => number;
  onCall?: (call: ProviderCallRecord) => void;
  /** Where an adapter reports what an operator should see (an unknown status word); the proxy's logger. */
  log?: { warn: (obj: object, msg: string) => void };
}

/** Every variable of a provider is optional (or defaulted) here: a provider is configured only if one is set. */
export type ProviderEnvShape = Record<string, z.ZodOptional<z.ZodType<unknown, string>> | z.ZodDefault<z.ZodType<unknown, string>>>;

/** The parsed variables with the required ones known to be present. */
export type ProviderValues<Env extends z.ZodObject<ProviderEnvShape>, Required extends keyof z.output<Env>> = z.output<Env> & {
  [K in Required]-?: Exclude<z.output<Env>[K], undefined>;
};

/** What an adapter implements; `name`, `capabilities` and `currencies` come from its definition. */
export type AdapterOperations = Omit<ProviderAdapter, 'name' | 'capabilities' | 'currencies'>;

/** The facts of a provider the core relies on, stated in data. */
export interface ProviderFacts {
  name: ProviderName;
  /** Its unit and what it takes (shared/providers.md §0); every create converts through it (amounts.ts). */
  amount: AmountPolicy;
  /**
   * The provider refuses a second link with a reference it has seen, or answers the existing link. When false
   * (Xendit, EximPe), the core looks a recoverable reference up before creating (decision 0008).
   */
  uniqueReference: boolean;
  /**
   * Its hosted checkout sends the buyer back to a return URL when the payment ends. False (PayEngine, whose links
   * take no return URL) tells the widget to open it in a new tab on phones, never in the shop's own tab.
   */
  returnsBuyer: boolean;
  /** What a status word the adapter does not know becomes (decision 0010): the same for every provider. */
  unknownStatus: typeof UNKNOWN_STATUS_READING;
}

/** What every provider's settings carry: where its API is, and how long one attempt may take. */
export interface ProviderEndpoint {
  baseUrl: string;
  timeoutMs: number;
}

/** What an adapter's operations are built with, made once per adapter from its definition and the deps. */
export interface AdapterKit {
  fetch?: typeof fetch;
  onCall?: (call: ProviderCallRecord) => void;
  log?: ProviderDeps['log'];
  /** The clock: the injected one, else `Date.now`. */
  now: () => number;
  /** Reads status words under the definition's unknown-status policy, reporting to `log` (status-words.ts). */
  readWord: StatusWordReader;
  /** An HTTP client for this provider at the settings' base URL and timeout (http.ts). */
  http(options: Pick<ProviderHttpOptions, 'headers' | 'describeError' | 'maxBodyBytes'>): ProviderHttp;
}

export interface ProviderDefinitionInput<
  Env extends z.ZodObject<ProviderEnvShape>,
  Required extends keyof z.output<Env> & string,
  Settings extends ProviderEndpoint,
> extends ProviderFacts {
  /** Every variable this provider reads. */
  env: Env;
  /** Variables that must all be present once any of them is set. */
  required: readonly Required[];
  /** Settings from the parsed variables (credentials wrapped in `Secret`). */
  settings(values: ProviderValues<Env, Required>, common: { timeoutMs: number }): Settings;
  /** Whether these credentials are the provider's test or sandbox mode. */
  isTestMode(settings: Settings): boolean;
  /** The adapter's operations for these settings. */
  adapter(settings: Settings, kit: AdapterKit): AdapterOperations;
}

/** What an adapter is built with; `now` defaults to `Date.now`. */
export type AdapterDeps = Pick<ProviderDeps, 'fetch' | 'onCall' | 'log'> & { now?: () => number };

/** The outcome of reading one provider's variables. */
export type ProviderSetup =
  | { kind: 'absent' }
  | { kind: 'invalid'; variable: string; expected: string }
  | { kind: 'missing'; variable: string }
  | { kind: 'configured'; provider: ConfiguredProvider };

/** A provider the way the registry, `config.ts` and `pay-link doctor` hold it: no settings type in sight. */
export interface ProviderPlugin extends ProviderFacts {
  /** The names of every variable it reads. */
  variables: readonly string[];
  required: readonly string[];
  /** Reads its variables out of the (already trimmed) environment. */
  configure(env: Record<string, string | undefined>, common: { timeoutMs: number }): ProviderSetup;
}

/** A configured provider: its plugin, the settings parsed for it, and what they decide. */
export interface ConfiguredProvider {
  module: ProviderPlugin;
  /** For inspection (tests); the proxy itself goes through `testMode` and `createAdapter`. */
  settings: unknown;
  testMode: boolean;
  createAdapter(deps: ProviderDeps): ProviderAdapter;
}

/** A provider's definition: the plugin, plus its typed settings-level entry points (for tests and tools). */
export interface ProviderDefinition<Settings> extends ProviderPlugin {
  isTestMode(settings: Settings): boolean;
  createAdapter(settings: Settings, deps: AdapterDeps): ProviderAdapter;
}

/**
 * Types a provider once. The settings type is inferred from `settings`, the required names from `required`.
 *
 * @example
 * export const acmeProvider = defineProvider({
 *   name: 'acme', amount: ACME_AMOUNTS, uniqueReference: true, returnsBuyer: true, unknownStatus: UNKNOWN_STATUS_READING,
 *   env: z.object({ ACME_KEY: z.string().optional(), ACME_BASE_URL: httpUrl.default('https://api.acme.test') }),
 *   required: ['ACME_KEY'],
 *   settings: (v, common) => ({ key: new Secret(v.ACME_KEY), baseUrl: v.ACME_BASE_URL, ...common }),
 *   isTestMode: (s) => s.key.reveal().startsWith('test_'),
 *   adapter: (s, kit) => ({ create, retrieve, cancel, verifyWebhook, parseWebhook }), // kit: http, readWord, now
 * });
 */
export function defineProvider<Env extends z.ZodObject<ProviderEnvShape>, Required extends keyof z.output<Env> & string, Settings extends ProviderEndpoint>(
  definition: ProviderDefinitionInput<Env, Required, Settings>,
): ProviderDefinition<Settings> {
  const { name, amount, uniqueReference, returnsBuyer, unknownStatus, env, required } = definition;
  const facts: ProviderFacts = { name, amount, uniqueReference, returnsBuyer, unknownStatus };

  function createAdapter(settings: Settings, deps: AdapterDeps): ProviderAdapter {
    const kit: AdapterKit = {
      fetch: deps.fetch,
      onCall: deps.onCall,
      log: deps.log,
      now: deps.now ?? Date.now,
      readWord: createStatusWordReader(name, deps.log),
      http: (options) =>
        createProviderHttp({ provider: name, baseUrl: settings.baseUrl, timeoutMs: settings.timeoutMs, fetch: deps.fetch, onCall: deps.onCall, ...options }),
    };
    return assembleAdapter(facts, definition.adapter(settings, kit));
  }

  const plugin: ProviderDefinition<Settings> = {
    ...facts,
    variables: Object.keys(env.shape),
    required,
    isTestMode: (settings) => definition.isTestMode(settings),
    createAdapter,
    configure(variables, common) {
      const parsed = env.safeParse(variables);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        return { kind: 'invalid', variable: String(issue.path[0]), expected: issue.message };
      }
      const values = parsed.data;
      if (!required.some((key) => values[key] !== undefined)) return { kind: 'absent' };
      if (!hasAll(values, required)) {
        return { kind: 'missing', variable: required.find((key) => values[key] === undefined) ?? required[0]! };
      }
      const settings = definition.settings(values, common);
      return {
        kind: 'configured',
        provider: { module: plugin, settings, testMode: definition.isTestMode(settings), createAdapter: (deps) => createAdapter(settings, deps) },
      };
    },
  };
  return plugin;
}

/** The adapter the core sees: the operations, with the definition's name, capabilities and currencies. */
export function assembleAdapter(facts: ProviderFacts, operations: AdapterOperations): ProviderAdapter {
  return {
    ...operations,
    name: facts.name,
    capabilities: capabilitiesOf(operations, facts.uniqueReference),
    returnsBuyer: facts.returnsBuyer,
    ...(facts.amount.currencies && { currencies: facts.amount.currencies }),
  };
}

/** Which optional operations an adapter offers, read off the operations themselves. */
export function capabilitiesOf(operations: AdapterOperations, uniqueReference: boolean): ProviderCapabilities {
  return {
    cancel: typeof operations.cancel === 'function',
    extendExpiry: typeof operations.extendExpiry === 'function',
    notify: typeof operations.notify === 'function',
    findByReference: typeof operations.findByReference === 'function',
    uniqueReference,
  };
}

/** Narrows `values` to "every name in `names` is set", the one check `required` promises `settings`. */
function hasAll<V extends object, K extends keyof V>(values: V, names: readonly K[]): values is V & { [P in K]-?: Exclude<V[P], undefined> } {
  return names.every((key) => values[key] !== undefined);
}
