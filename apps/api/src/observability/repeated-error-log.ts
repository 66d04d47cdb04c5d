import type { OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';

export const REPEAT_INTERVAL_MS = 10_000;

/**
 * The key of an error for `report`: what failed and why. Digits vary between occurrences of one failure (positions,
 * sizes, ports) without making it another, so they are masked.
 */
export const errorKey = (what: string, error: unknown): string => {
  const cause = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return `${what} (${cause.replace(/\d+/g, 'N').slice(0, 200)})`;
};

type Repeats = { readonly level: ErrorReport['level']; count: number; since: number; readonly timer: NodeJS.Timeout };

export type ErrorReport = {
  /** What makes two errors "the same": the first of a series is logged in full, the rest only counted. */
  readonly key: string;
  readonly level: 'error' | 'warn';
  readonly error: unknown;
  readonly message: string;
  /** Extra fields for the full line (e.g. the request id of the first occurrence). */
  readonly fields?: Record<string, unknown>;
};

/**
 * Logs an error once per interval with a count instead of once per occurrence: a full disk or a dead store fails
 * every request the same way, and a stack per request buries everything else. The first occurrence of a key is
 * logged in full; further ones within the interval are counted, and a summary line ("... repeated N times in the
 * last 10 s") closes each interval that had any. An interval without repeats ends the series: the next occurrence
 * is logged in full again.
 */
export class RepeatedErrorLog implements OnApplicationShutdown {
  private readonly series = new Map<string, Repeats>();

  constructor(private readonly logger: Logger, private readonly intervalMs = REPEAT_INTERVAL_MS) {}

  report({ key, level, error, message, fields }: ErrorReport): void {
    const repeats = this.series.get(key);
    if (repeats) {
      repeats.count += 1;
      return;
    }
    this.logger[level]({ ...fields, err: error, errorKey: key }, message);
    const timer = setInterval(() => this.closeInterval(key), this.intervalMs);
    timer.unref();
    this.series.set(key, { level, count: 0, since: Date.now(), timer });
  }

  /** Logs the counts not yet logged (at shutdown, so none is lost) and forgets every series. */
  flush(): void {
    for (const [key, repeats] of this.series) {
      clearInterval(repeats.timer);
      this.summarize(key, repeats);
    }
    this.series.clear();
  }

  onApplicationShutdown(): void {
    this.flush();
  }

  private closeInterval(key: string): void {
    const repeats = this.series.get(key);
    if (!repeats) return;
    if (repeats.count === 0) {
      clearInterval(repeats.timer);
      this.series.delete(key);
      return;
    }
    this.summarize(key, repeats);
    repeats.count = 0;
    repeats.since = Date.now();
  }

  private summarize(key: string, { level, count, since }: Repeats): void {
    if (count === 0) return;
    const seconds = Math.round((Date.now() - since) / 1000);
    this.logger[level]({ errorKey: key, repeated: count, seconds }, `${key}: repeated ${count} times in the last ${seconds} s`);
  }
}
