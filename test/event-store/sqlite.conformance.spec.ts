import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v4 as uuid } from 'uuid';
import { openSqliteEventStore } from '@chip-ledger/event-store';
import { describeEventStoreConformance } from './conformance';

describeEventStoreConformance(
  'embedded SQLite',
  async () => {
    const file = join(tmpdir(), `chip-ledger-conformance-${uuid()}.sqlite`);
    const store = openSqliteEventStore({ file });
    return {
      store,
      close: async () => {
        await store.close();
        for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
      },
    };
  },
  { atomicMultiStreamAppend: true },
);
