import type { DestinationStream } from 'pino';
import { createLedgerLogger } from './ledger-logger';

/**
 * One JSON line at level fatal, in the log's format, for a process about to exit because it cannot go on (it cannot
 * start, a CLI command failed). It needs no application: the application's own logger may never have been set up
 * (a bad setting, a locked file), and a line held in Nest's log buffer would never be written.
 */
export const logFatal = (message: string, error: unknown, destination?: DestinationStream): void => {
  const detail = error instanceof Error ? error.message : String(error);
  createLedgerLogger('info', destination).fatal({ context: 'chip-ledger', err: error }, `${message}: ${detail}`);
};
