import type { LedgerCommand } from '../ledger/ledger-command';
import type { Streams } from './fixtures';
import type { Decision, World } from './world';
import { createWorld } from './world';

type ErrorClass = abstract new (...args: never[]) => Error;

const isWorld = (history: World | Streams): history is World => typeof (history as World).decide === 'function';

/**
 * Decider specification in the manner of Emmett's `DeciderSpecification`:
 * `given(history...).when(command).then(expectedDecision)` or `.thenThrows(ErrorClass, fields?)`.
 * A history is events per stream, or a world whose streams are copied; later histories append to earlier ones.
 */
export const given = (...histories: (World | Streams)[]) => {
  const world = createWorld(...histories.map((history) => (isWorld(history) ? history.snapshot() : history)));
  return {
    world,
    when: (command: LedgerCommand) => ({
      then: async (expected: Decision): Promise<void> => {
        // `then` makes this object a thenable: awaiting it by mistake would pass a resolver function here.
        if (typeof expected === 'function') throw new Error('call .then(expectedDecision) rather than awaiting when()');
        expect(await world.decide(command)).toEqual(expected);
      },
      thenThrows: async (error: ErrorClass, fields?: Readonly<Record<string, unknown>>): Promise<void> => {
        const thrown = await world.decide(command).then(() => undefined, (reason: unknown) => reason);
        expect(thrown).toBeInstanceOf(error);
        if (fields) expect(thrown).toMatchObject(fields);
      },
    }),
  };
};
