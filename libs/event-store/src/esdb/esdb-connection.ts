/**
 * Client 6.2.1's own defaults let an unreachable cluster hold a call for minutes: discovery makes 10 rounds over every
 * seed with a 5 s gossip timeout each (3 seeds: ~150 s). These are appended to the user's connection string for every
 * setting it does not name (names compared as the client compares them: case, `-` and `_` ignored), so the user's
 * choice always wins.
 */
export const CLUSTER_DEFAULTS = {
  /** Discovery rounds per call before "Failed to discover": a dead cluster is reported, a live one found. */
  maxDiscoverAttempts: 2,
  /** Milliseconds between discovery rounds: about how long an election takes to settle. */
  discoveryInterval: 250,
  /** SECONDS (client 6.2.1 counts this one in seconds, unlike the others) a seed may take to answer gossip. */
  gossipTimeout: 1,
  /** Milliseconds an append may take. Above the server's 2 s write timeout, so its own timeout answer wins. */
  defaultDeadline: 5_000,
  /** Milliseconds a keep-alive ping may go unanswered before the connection counts as dead. */
  keepAliveTimeout: 5_000,
} as const;

export type ClusterSettings = { readonly [K in keyof typeof CLUSTER_DEFAULTS]: number };

const flat = (key: string): string => key.trim().toLowerCase().replace(/[_-]/g, '');

/** The connection string with the defaults appended, and the settings in force. */
export const withClusterDefaults = (connectionString: string): { connectionString: string; settings: ClusterSettings } => {
  const trimmed = connectionString.trim().replace(/\/+$/, '');
  const query = trimmed.includes('?') ? trimmed.slice(trimmed.indexOf('?') + 1) : '';
  const given = new Map<string, string>();
  for (const pair of query.split('&').filter(Boolean)) {
    const [key, value = ''] = pair.split('=');
    given.set(flat(key), value);
  }
  const settings = { ...CLUSTER_DEFAULTS } as Record<keyof ClusterSettings, number>;
  const missing: string[] = [];
  for (const key of Object.keys(CLUSTER_DEFAULTS) as (keyof ClusterSettings)[]) {
    const value = given.get(flat(key));
    if (value === undefined) missing.push(`${key}=${CLUSTER_DEFAULTS[key]}`);
    else if (Number.isFinite(Number.parseInt(value, 10))) settings[key] = Number.parseInt(value, 10);
  }
  if (!missing.length) return { connectionString: trimmed, settings };
  const separator = !trimmed.includes('?') ? '?' : query && !query.endsWith('&') ? '&' : '';
  return { connectionString: `${trimmed}${separator}${missing.join('&')}`, settings };
};
