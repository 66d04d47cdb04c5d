import fc from 'fast-check';
import { v5 as uuidv5, validate, version } from 'uuid';
import { deterministicEventId } from './event-envelope';

const LEDGER_NAMESPACE = '3f1c1a52-8a2b-4f57-9a51-5a8f6c2e7d10';

describe('deterministicEventId', () => {
  it("is uuid's v5 of commandId NUL streamName NUL index in the ledger's namespace, for any text", () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), fc.nat(), (commandId, streamName, index) => {
      const id = deterministicEventId(commandId, streamName, index);
      expect(id).toBe(uuidv5(`${commandId}\u0000${streamName}\u0000${index}`, LEDGER_NAMESPACE));
      expect(validate(id) && version(id)).toBe(5);
    }), { numRuns: 2000 });
  });

  it('gives again the id earlier versions stored for the same command, stream and index', () => {
    // Written by the uuid-based version for this command's first event on asset-gpu-1: a retry must produce it again.
    expect(deterministicEventId('0190c1b2-1111-7abc-9def-000000000042', 'asset-gpu-1', 0)).toBe('3e7616eb-8dfd-5528-9288-753b1b165c58');
  });
});
