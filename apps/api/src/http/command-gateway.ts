import { Inject, Injectable } from '@nestjs/common';
import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';
import type { CommandData, LedgerCommandType } from '@chip-ledger/domain';
import { ledgerCommand } from '@chip-ledger/domain';
import type { Clock } from '@chip-ledger/application';
import { LedgerCommandHandler } from '@chip-ledger/application';
import { encodePosition } from '@chip-ledger/event-store';
import { CommandAnswer } from './command-answer';
import type { CommandContext } from './command-context';
import { CLOCK } from '@chip-ledger/runtime';

const IDEMPOTENCY_NAMESPACE = '8d3e4b1e-2f0c-4f7d-a1a9-2b6c1c9e5f44';

/** A command's data as a request carries it: with the business time, which travels in the command's metadata. */
export type CommandInput<T extends LedgerCommandType> = CommandData<T> & { readonly occurredAt?: string };

/** The business time out of a request's fields; the rest is the command's data (no command has an `occurredAt` field). */
const splitOccurredAt = <T extends LedgerCommandType>({ occurredAt, ...data }: CommandInput<T>): [CommandData<T>, string | undefined] =>
  [data as unknown as CommandData<T>, occurredAt];

/** Turns a validated request into a command, runs it, and says what it answered (sendCommandAnswer sends it). */
@Injectable()
export class CommandGateway {
  constructor(
    private readonly handler: LedgerCommandHandler,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async run<T extends LedgerCommandType>(type: T, input: CommandInput<T>, context: CommandContext): Promise<CommandAnswer> {
    const [data, occurredAt] = splitOccurredAt(input);
    const now = this.clock.now().toISOString();
    // Keys are scoped to the party, so two clients choosing the same key never share a command.
    const commandId = context.idempotencyKey === undefined
      ? uuidv7()
      : uuidv5(`${context.actor.partyId}\u0000${context.idempotencyKey}`, IDEMPOTENCY_NAMESPACE);
    context.noteCommand(type, commandId);
    const command = ledgerCommand(type, data, {
      now, occurredAt: occurredAt ? new Date(occurredAt).toISOString() : now, commandId, actor: context.actor,
      correlationId: context.correlationId,
    });
    const result = await this.handler.execute(command, { expectedRevision: context.ifMatch });
    return new CommandAnswer({
      commandId: result.commandId,
      streamName: result.streamName,
      revision: result.revision === null ? null : String(result.revision),
      position: result.position === null ? null : encodePosition(result.position),
      events: [...result.events],
    }, result.revision, result.replayed);
  }
}
