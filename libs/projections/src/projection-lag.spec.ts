import type { EventStore, GlobalPosition, RecordedEvent } from '@chip-ledger/event-store';
import { LEDGER_STREAM_FILTER } from './ledger-log';
import { LAG_COUNT_LIMIT } from './projection-runner';
import type { ProjectionLag } from './projection-runner';
import { LedgerScript } from './testing/ledger-script';
import { TempLedger } from './testing/read-side-fixture';

const ledgerEvents = async (store: EventStore): Promise<RecordedEvent[]> => {
  const events: RecordedEvent[] = [];
  for await (const event of store.readAll({ filter: LEDGER_STREAM_FILTER })) events.push(event);
  return events;
};

/** How long `event` had been in the store when the lag was measured, as the lag reports it. */
const ageAt = (lag: ProjectionLag, event: RecordedEvent): number => (lag.measuredAt.getTime() - event.created.getTime()) / 1000;

/**
 * `ProjectionRunner.lag()`: the one measure of how far the read models trail the log, behind `/health`, `/metrics`
 * and 503 `read-model-behind`.
 */
describe('projection runner: lag', () => {
  let ledger: TempLedger;

  beforeEach(() => {
    ledger = new TempLedger();
  });

  afterEach(() => ledger.cleanUp());

  const noted = (stream: string) => ledger.store.appendToStream(stream, [{ id: crypto.randomUUID(), type: 'Noted', data: {}, metadata: {} }], 'any');

  it('counts every ledger event before the first checkpoint, and ages the oldest of them; other streams do not count', async () => {
    const runner = ledger.runner(ledger.readModels());
    const script = new LedgerScript(ledger.store);
    await script.party('formosa', ['manufacturer'], 'TW');
    await noted('audit-1');
    await script.facility('tw-fab', 'formosa', 'TW', 'fab');
    const [first, ...rest] = await ledgerEvents(ledger.store);
    const last = rest.at(-1) as RecordedEvent;

    const lag = await runner.lag(0);
    expect(lag).toEqual({
      checkpoint: null, head: last.position, events: rest.length + 1, eventsAtLeast: false, seconds: ageAt(lag, first), measuredAt: lag.measuredAt,
    });
  });

  it('counts the events written after the checkpoint, aged from the first of them; 0 and 0 when caught up, however old', async () => {
    const { runner } = ledger.readSide();
    const script = new LedgerScript(ledger.store);
    const applied = await script.party('formosa', ['manufacturer'], 'TW');
    expect(await runner.waitForPosition(applied.position as GlobalPosition, 10_000)).toBe(true);
    const caughtUp = await runner.lag(0);
    expect(caughtUp).toMatchObject({ checkpoint: applied.position, head: applied.position, events: 0, eventsAtLeast: false, seconds: 0 });

    await runner.stop();
    await script.facility('tw-fab', 'formosa', 'TW', 'fab');
    await script.facility('tw-pack', 'formosa', 'TW', 'assembly');
    const behind = (await ledgerEvents(ledger.store)).slice(-2);
    const lag = await runner.lag(0);
    expect(lag).toMatchObject({ checkpoint: applied.position, head: behind[1].position, events: 2, eventsAtLeast: false });
    expect(lag.seconds).toBe(ageAt(lag, behind[0]));
  });

  const tooMany = () => Array.from({ length: LAG_COUNT_LIMIT + 1 }, () => ({ id: crypto.randomUUID(), type: 'Noted', data: {}, metadata: {} }));

  it(`stops counting at ${LAG_COUNT_LIMIT} events, and says there are more, before the first checkpoint`, async () => {
    const runner = ledger.runner(ledger.readModels());
    await ledger.store.appendToStream('asset-many', tooMany(), 'any');
    expect(await runner.lag(0)).toMatchObject({ events: LAG_COUNT_LIMIT, eventsAtLeast: true });
  });

  it(`stops counting at ${LAG_COUNT_LIMIT} events, and says there are more, after a checkpoint`, async () => {
    const { runner } = ledger.readSide();
    const applied = await new LedgerScript(ledger.store).party('formosa', ['manufacturer'], 'TW');
    expect(await runner.waitForPosition(applied.position as GlobalPosition, 10_000)).toBe(true);
    await runner.stop();
    await ledger.store.appendToStream('asset-many', tooMany(), 'any');
    expect(await runner.lag(0)).toMatchObject({ checkpoint: applied.position, events: LAG_COUNT_LIMIT, eventsAtLeast: true });
  });

  it('answers concurrent and recent callers from one measurement, and measures again when asked for a fresher one', async () => {
    const runner = ledger.runner(ledger.readModels());
    await noted('asset-a');
    const first = await runner.lag(60_000);
    await noted('asset-b');
    expect(await runner.lag(60_000)).toBe(first);
    expect(await runner.lag(0)).toMatchObject({ events: 2 });
  });
});
