import { nestsDeeperThan } from './json-body-guard';

const depthOk = (text: string, limit: number) => !nestsDeeperThan(Buffer.from(text), limit);

describe('the body depth check, before any parsing', () => {
  it.each([
    ['a flat object', '{"a":1,"b":[1,2]}', 2, true],
    ['two levels at a limit of one', '{"a":[1]}', 1, false],
    ['brackets inside strings', '{"a":"[[[[{{{{"}', 1, true],
    ['an escaped quote inside a string', '{"a":"\\"[[[["}', 1, true],
    ['an escaped backslash ending a string', '{"a":"\\\\","b":[[1]]}', 2, false],
    ['closing brackets in between', '[[1],[2],[3]]', 2, true],
    ['multi-byte characters', '{"ä😀":["[ü]"]}', 2, true],
  ])('%s', (_, text, limit, ok) => expect(depthOk(text, limit)).toBe(ok));

  it('counts a million levels without recursion', () => {
    expect(nestsDeeperThan(Buffer.from('['.repeat(1_000_000)), 32)).toBe(true);
    expect(nestsDeeperThan(Buffer.from(`${'['.repeat(32)}${']'.repeat(32)}`), 32)).toBe(false);
  });
});
