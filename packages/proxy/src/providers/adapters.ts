/** The adapters of every configured provider, built the one way the proxy and `pay-link doctor` both use. */
import type { ProxyConfig } from '../config.ts';
import type { ProviderName } from '../contract.ts';
import type { ProviderDeps } from './define.ts';
import type { ProviderAdapter } from './types.ts';

/**
 * One adapter per provider in `config.providers`, from its module and parsed settings.
 *
 * @example
 * const adapters = createAdapters(loadConfig(), { fetch, now: Date.now });
 */
export function createAdapters(config: Pick<ProxyConfig, 'providers'>, deps: ProviderDeps): Partial<Record<ProviderName, ProviderAdapter>> {
  const adapters: Partial<Record<ProviderName, ProviderAdapter>> = {};
  for (const configured of Object.values(config.providers)) {
    if (configured) adapters[configured.module.name] = configured.createAdapter(deps);
  }
  return adapters;
}
