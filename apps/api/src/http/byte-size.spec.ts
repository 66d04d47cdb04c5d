import { byteSize } from './byte-size';

describe('BODY_LIMIT sizes', () => {
  it.each([
    ['65536', 65_536], ['64kb', 65_536], ['256KB', 262_144], ['1mb', 1_048_576], ['1.5kb', 1536], [' 2 mb ', 2_097_152],
  ])('%s is %i bytes', (text, bytes) => expect(byteSize(text)).toBe(bytes));

  it.each(['', 'kb', '-1kb', '1tb', '1e3', '0x10'])('refuses %j', (text) => expect(() => byteSize(text)).toThrow(/BODY_LIMIT/));
});
