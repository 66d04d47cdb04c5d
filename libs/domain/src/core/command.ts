import type { Actor } from './actor';

/**
 * Everything impure a decision needs arrives here: decide never reads a clock or makes an id.
 * `now` is ledger time (recordedAt); `occurredAt` is business time as reported, defaulting to now.
 */
export type CommandMetadata = {
  readonly now: string;
  readonly occurredAt: string;
  readonly commandId: string;
  readonly actor: Actor;
};

export type Command<Type extends string, Data> = {
  readonly type: Type;
  readonly data: Readonly<Data>;
  readonly metadata: CommandMetadata;
};
