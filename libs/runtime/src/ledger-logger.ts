import type { DestinationStream, Logger } from 'pino';
import { pino } from 'pino';

/**
 * Nothing the ledger logs carries a secret, and request headers are never logged; these paths are the second line
 * of defence should an object that holds one ever be logged. No wildcards: they would cost every line a walk.
 */
const SECRETS = ['headers.authorization', 'headers["x-api-key"]', 'req.headers.authorization', 'req.headers["x-api-key"]', 'apiKey', 'metricsToken'];

/** The process's one JSON logger: a line per event on standard output (or `destination`), ISO times, level names. */
export const createLedgerLogger = (level: string, destination?: DestinationStream): Logger => {
  if (level !== 'silent' && !(level in pino.levels.values)) {
    throw new Error(`LOG_LEVEL must be one of ${[...Object.keys(pino.levels.values), 'silent'].join(', ')}; got "${level}"`);
  }
  const options = {
    level,
    redact: { paths: SECRETS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
};
