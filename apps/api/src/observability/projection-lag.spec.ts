import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore } from '@chip-ledger/event-store';
import type { EventStore, RecordedEvent } from '@chip-ledger/event-store';
import { measureProjectionLag } from './projection-lag';

describe('measureProjectionLag: how far the read models trail the log', () => {
  let dir: string;
  let store: EventStore;
  let ledgerEvents: RecordedEvent[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'projection-lag-'));
    store = openSqliteEventStore({ file: join(dir, 'events.sqlite') });
    const append = (stream: string, n: number) => store.appendToStream(stream, [{ id: crypto.randomUUID(), type: 'Noted', data: { n }, metadata: {} }], 'any');
    await append('asset-a', 1);
    await append('asset-b', 2);
    await append('audit-x', 3); // not a stream the read models follow
    await append('party-c', 4);
    ledgerEvents = [];
    for await (const event of store.readAll()) if (event.streamName !== 'audit-x') ledgerEvents.push(event);
  });

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const secondsAfter = (event: RecordedEvent, seconds: number) => new Date(event.created.getTime() + seconds * 1000);

  it('counts the ledger events after the checkpoint, and ages the oldest of them', async () => {
    const [first, second] = ledgerEvents;
    expect(await measureProjectionLag(store, first.position, secondsAfter(second, 42))).toEqual({
      position: Number(first.position.commit), events: 2, seconds: 42,
    });
  });

  it('counts everything before the first checkpoint', async () => {
    expect(await measureProjectionLag(store, null, secondsAfter(ledgerEvents[0], 7))).toEqual({ position: 0, events: 3, seconds: 7 });
  });

  it('is 0 events and 0 seconds when the checkpoint is the last ledger event, however old it is', async () => {
    const last = ledgerEvents[ledgerEvents.length - 1];
    expect(await measureProjectionLag(store, last.position, secondsAfter(last, 3600))).toEqual({
      position: Number(last.position.commit), events: 0, seconds: 0,
    });
  });

  it('stops counting at the limit', async () => {
    expect((await measureProjectionLag(store, null, new Date(), 2)).events).toBe(2);
  });
});
