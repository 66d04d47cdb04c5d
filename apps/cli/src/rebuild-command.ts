import { Presets, SingleBar } from 'cli-progress';
import { basename } from 'node:path';
import type { EventStore } from '@chip-ledger/event-store';
import type { ProjectionStatus, RebuildOptions, RebuildSummary } from '@chip-ledger/projections';
import { latestLedgerPosition, rebuildReadModels } from '@chip-ledger/projections';

const perSecond = (events: number, ms: number): number => (ms > 0 ? Math.round((events * 1000) / ms) : 0);

/**
 * `cli rebuild`: rebuilds the read models into a new generation (rebuildReadModels) with a progress bar, and prints a
 * summary. The bar's share and ETA follow the global position against the head of the log when it started: exact on
 * the embedded store (positions count events), proportional to bytes of log on EventStoreDB (positions are offsets).
 * On a terminal only; elsewhere just the summary.
 */
export const rebuildWithProgress = async (dataDir: string, store: EventStore, options: RebuildOptions = {}): Promise<RebuildSummary> => {
  const head = await latestLedgerPosition(store);
  const total = head ? Number(head.commit) : 0;
  const bar = new SingleBar({
    format: 'Rebuilding read models |{bar}| {percentage}% | {events} events | {rate} events/s | ETA {eta_formatted}',
    etaBuffer: 50,
    hideCursor: true,
  }, Presets.shades_classic);
  const started = Date.now();
  bar.start(Math.max(total, 1), 0, { events: 0, rate: 0 });
  const show = (status: ProjectionStatus): void => {
    const position = status.checkpoint ? Number(status.checkpoint.commit) : 0;
    bar.update(Math.min(position, total), { events: status.appliedEvents, rate: perSecond(status.appliedEvents, Date.now() - started) });
  };
  let summary: RebuildSummary;
  try {
    summary = await rebuildReadModels(dataDir, store, { ...options, onProgress: show });
  } finally {
    bar.stop();
  }
  const seconds = summary.durationMs / 1000;
  const rows = Object.entries(summary.rows).map(([table, count]) => `${table} ${count}`).join(', ');
  console.log([
    `Read models rebuilt: ${summary.events} events in ${seconds.toFixed(1)} s (${perSecond(summary.events, summary.durationMs)} events/s)`,
    `  rows: ${rows}`,
    `  now current: ${basename(summary.file)} (replaced ${basename(summary.previous)}; ${summary.previousRemoved
      ? 'removed'
      : 'a serving API still reads it: it moves to the new one within a second and then removes it'})`,
  ].join('\n'));
  return summary;
};
