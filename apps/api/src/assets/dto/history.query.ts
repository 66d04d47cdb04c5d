import { OptionalDateTimeField } from '../../http/dto-fields';
import { PositionQuery } from './position.query';

export class HistoryQuery extends PositionQuery {
  @OptionalDateTimeField('Business time: where was it, who held it, as of this moment', '2026-11-20T00:00:00Z')
  asOf?: string;

  @OptionalDateTimeField('Ledger time: only what had been recorded by this moment', '2026-11-21T00:00:00Z')
  knownAt?: string;
}
