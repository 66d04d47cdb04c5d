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
  /** The conversation the command belongs to (a request's X-Correlation-Id); the command's own id when absent. */
  readonly correlationId?: string;
  /** The message that caused this command; the command's own id when absent. */
  readonly causationId?: string;
};

export type Command<Type extends string, Data> = {
  readonly type: Type;
  readonly data: Readonly<Data>;
  readonly metadata: CommandMetadata;
};
