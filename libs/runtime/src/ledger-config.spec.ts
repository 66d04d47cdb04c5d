import { ledgerConfigFromEnv } from './ledger-config';

describe('ledgerConfigFromEnv: the embedded store\'s durability', () => {
  it('syncs every commit by default; EVENT_STORE_SYNCHRONOUS=normal opts out, in any case', () => {
    expect(ledgerConfigFromEnv({}).eventStoreSynchronous).toBe('FULL');
    expect(ledgerConfigFromEnv({ EVENT_STORE_SYNCHRONOUS: '' }).eventStoreSynchronous).toBe('FULL');
    expect(ledgerConfigFromEnv({ EVENT_STORE_SYNCHRONOUS: 'normal' }).eventStoreSynchronous).toBe('NORMAL');
    expect(ledgerConfigFromEnv({ EVENT_STORE_SYNCHRONOUS: 'FULL' }).eventStoreSynchronous).toBe('FULL');
  });

  it('refuses to start on any other value rather than guess', () => {
    expect(() => ledgerConfigFromEnv({ EVENT_STORE_SYNCHRONOUS: 'off' })).toThrow(/EVENT_STORE_SYNCHRONOUS/);
  });
});
