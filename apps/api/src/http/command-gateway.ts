import { Inject, Injectable } from '@nestjs/common';
import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';
import type { Clock, CommandResult, LedgerCommand } from '@chip-ledger/application';
import { LedgerCommandHandler } from '@chip-ledger/application';
import { encodePosition } from '@chip-ledger/event-store';
import type { CommandContext } from './command-context';
import { toETag } from './command-context';
import type { CommandResponseDto } from './command-response.dto';
import { CLOCK } from '@chip-ledger/runtime';
import { noteCommand } from '../observability/request-observation';

const IDEMPOTENCY_NAMESPACE = '8d3e4b1e-2f0c-4f7d-a1a9-2b6c1c9e5f44';

type DataOf<T extends LedgerCommand['type']> = Extract<LedgerCommand, { type: T }>['data'];

/** Turns a validated request into a command, runs it, and shapes the answer (body, ETag, replay header). */
@Injectable()
export class CommandGateway {
  constructor(
    private readonly handler: LedgerCommandHandler,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async run<T extends LedgerCommand['type']>(
    type: T,
    data: DataOf<T>,
    context: CommandContext,
    occurredAt?: string,
  ): Promise<CommandResponseDto> {
    const now = this.clock.now().toISOString();
    // Keys are scoped to the party, so two clients choosing the same key never share a command.
    const commandId = context.idempotencyKey === undefined
      ? uuidv7()
      : uuidv5(`${context.actor.partyId}\u0000${context.idempotencyKey}`, IDEMPOTENCY_NAMESPACE);
    noteCommand(context.response, type, commandId);
    const command = {
      type, data,
      metadata: { now, occurredAt: occurredAt ? new Date(occurredAt).toISOString() : now, commandId, actor: context.actor },
    } as LedgerCommand;
    const result = await this.handler.execute(command, {
      expectedRevision: context.ifMatch,
      correlationId: context.correlationId,
    });
    return this.respond(result, context);
  }

  private respond(result: CommandResult, context: CommandContext): CommandResponseDto {
    if (result.revision !== null) context.response.setHeader('ETag', toETag(result.revision));
    if (result.replayed) context.response.setHeader('Idempotent-Replayed', 'true');
    return {
      commandId: result.commandId,
      streamName: result.streamName,
      revision: result.revision === null ? null : String(result.revision),
      position: result.position === null ? null : encodePosition(result.position),
      events: [...result.events],
    };
  }
}

/** A DTO's fields without the business time, which travels in the command's metadata. */
export const withoutOccurredAt = <D extends { occurredAt?: string }>({ occurredAt: _, ...rest }: D): Omit<D, 'occurredAt'> => rest;
