import type { Command, CommandMetadata } from '../core/command';
import type { AssetCommand } from '../asset/asset.commands';
import type { FacilityCommand } from '../facility/facility';
import type { PartyCommand } from '../party/party';

/** Every command the ledger takes. */
export type LedgerCommand = AssetCommand | PartyCommand | FacilityCommand;
export type LedgerCommandType = LedgerCommand['type'];
export type CommandOf<T extends LedgerCommandType> = Extract<LedgerCommand, { type: T }>;
export type CommandData<T extends LedgerCommandType> = CommandOf<T>['data'];

/**
 * Builds a command of `type`: the compiler checks `data` against the type. The only place a command is assembled
 * from its parts; callers name the type and never cast.
 */
export function ledgerCommand<T extends LedgerCommandType>(type: T, data: CommandData<T>, metadata: CommandMetadata): CommandOf<T>;
// The implementation's signature is the overload's erased form: TypeScript cannot relate a generic `type` to the
// matching member of the union, so the typed overload above is what callers see.
export function ledgerCommand(
  type: LedgerCommandType, data: LedgerCommand['data'], metadata: CommandMetadata,
): Command<LedgerCommandType, LedgerCommand['data']> {
  return { type, data, metadata };
}
