/** The proxy's version; the widget bundles are served under `/v/<VERSION>/` with a long cache. */
export const VERSION = '0.1.0';
