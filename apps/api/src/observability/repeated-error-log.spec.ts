import { createLedgerLogger } from '@chip-ledger/runtime';
import { LogCapture } from './log-capture';
import { RepeatedErrorLog } from './repeated-error-log';

/** Shaped as better-sqlite3's error for a full disk. */
class SqliteError extends Error {
  override readonly name = 'SqliteError';
  readonly code = 'SQLITE_FULL';
}
const diskFull = () => new SqliteError('database or disk is full');

describe('RepeatedErrorLog: the same error within an interval is one line and a count', () => {
  let capture: LogCapture;
  let log: RepeatedErrorLog;

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-11-29T10:00:00Z') });
    capture = new LogCapture();
    log = new RepeatedErrorLog(createLedgerLogger('info', capture), 10_000);
  });

  afterEach(() => {
    log.flush();
    jest.useRealTimers();
  });

  const report = (key: string, error: unknown = diskFull()) => log.report({ key, level: 'error', error, message: 'Unexpected error answered 500' });
  const messages = () => capture.lines().map((line) => line.msg);

  it('logs the first of 50 identical errors in full, then one summary line with the count when the interval ends', () => {
    for (let i = 0; i < 50; i++) {
      report('internal (SqliteError: database or disk is full)');
      jest.advanceTimersByTime(100); // 50 errors over 5 s
    }
    expect(capture.lines()).toHaveLength(1);
    const [first] = capture.lines();
    expect(first).toMatchObject({
      level: 'error', msg: 'Unexpected error answered 500', errorKey: 'internal (SqliteError: database or disk is full)',
      err: { type: 'SqliteError', message: 'database or disk is full', code: 'SQLITE_FULL', stack: expect.stringContaining('database or disk is full') },
    });

    jest.advanceTimersByTime(5_000);
    expect(capture.lines()).toHaveLength(2);
    expect(capture.lines()[1]).toEqual({
      level: 'error', time: '2026-11-29T10:00:10.000Z', pid: process.pid, hostname: expect.any(String),
      errorKey: 'internal (SqliteError: database or disk is full)', repeated: 49, seconds: 10,
      msg: 'internal (SqliteError: database or disk is full): repeated 49 times in the last 10 s',
    });
  });

  it('keeps summarizing, one line per interval, while the error goes on, and never repeats the stack', () => {
    for (let second = 0; second < 30; second++) {
      for (let i = 0; i < 10; i++) report('store-full');
      jest.advanceTimersByTime(1_000);
    }
    expect(messages()).toEqual([
      'Unexpected error answered 500',
      'store-full: repeated 99 times in the last 10 s',
      'store-full: repeated 100 times in the last 10 s',
      'store-full: repeated 100 times in the last 10 s',
    ]);
    expect(capture.lines().filter((line) => 'err' in line)).toHaveLength(1);
  });

  it('logs different errors separately: each has its own first line and its own count', () => {
    report('store-full');
    report('store-unavailable', new Error('connect ECONNREFUSED'));
    report('store-full');
    report('store-full');
    report('store-unavailable', new Error('connect ECONNREFUSED'));
    jest.advanceTimersByTime(10_000);
    expect(messages()).toEqual([
      'Unexpected error answered 500',
      'Unexpected error answered 500',
      'store-full: repeated 2 times in the last 10 s',
      'store-unavailable: repeated 1 times in the last 10 s',
    ]);
    expect(capture.lines().slice(0, 2).map((line) => line.errorKey)).toEqual(['store-full', 'store-unavailable']);
  });

  it('logs a single error once, with no summary, and in full again once a quiet interval has passed', () => {
    report('store-full');
    jest.advanceTimersByTime(25_000);
    expect(messages()).toEqual(['Unexpected error answered 500']);
    report('store-full');
    expect(messages()).toEqual(['Unexpected error answered 500', 'Unexpected error answered 500']);
  });

  it('logs the counts of an interval not yet over when flushed (at shutdown)', () => {
    report('store-full');
    jest.advanceTimersByTime(3_000);
    report('store-full');
    report('store-full');
    log.flush();
    expect(messages()).toEqual(['Unexpected error answered 500', 'store-full: repeated 2 times in the last 3 s']);
    jest.advanceTimersByTime(60_000);
    expect(capture.lines()).toHaveLength(2);
  });
});
