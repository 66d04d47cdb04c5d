import type { AssetCommand, FacilityCommand, PartyCommand } from '@chip-ledger/domain';
import { assetStream, facilityStream, partyStream, targetAssetId } from '@chip-ledger/domain';

export type LedgerCommand = AssetCommand | PartyCommand | FacilityCommand;

const isPartyCommand = (command: LedgerCommand): command is PartyCommand =>
  command.type === 'RegisterParty' || command.type === 'IssueApiKey' || command.type === 'RevokeApiKey';

/** The stream a command is addressed to: its events there are written last and mark the command as done. */
export const targetStreamOf = (command: LedgerCommand): string => {
  if (command.type === 'RegisterFacility') return facilityStream(command.data.facilityId);
  if (isPartyCommand(command)) return partyStream(command.data.partyId);
  return assetStream(targetAssetId(command));
};

export { isPartyCommand };
