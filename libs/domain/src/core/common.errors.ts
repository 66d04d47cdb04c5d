import { CustodyError } from './custody-error';

/** The actor lacks the role, or is not the party the rule names (custodian, owner, operator). */
export class NotPermitted extends CustodyError {
  readonly code = 'not-permitted';
  constructor(readonly partyId: string, readonly reason: string) {
    super(`Party ${partyId} may not do this: ${reason}`, { partyId, reason });
  }
}

/** A command names an asset, facility or party that does not exist or cannot play the part. */
export class InvalidReference extends CustodyError {
  readonly code = 'invalid-reference';
  constructor(readonly field: string, readonly value: string, readonly reason: string) {
    super(`${field} ${value}: ${reason}`, { field, value, reason });
  }
}

/** Business time may lag (late reports) but may not run ahead of the ledger's clock beyond a small skew. */
export class OccurredInFuture extends CustodyError {
  readonly code = 'occurred-in-future';
  constructor(readonly occurredAt: string, readonly now: string) {
    super(`occurredAt ${occurredAt} is after the ledger time ${now}`, { occurredAt, now });
  }
}

export class AlreadyRegistered extends CustodyError {
  readonly code = 'already-registered';
  constructor(readonly kind: 'party' | 'facility', readonly id: string) {
    super(`${kind} ${id} is already registered`, { kind, id });
  }
}

export class NotRegistered extends CustodyError {
  readonly code = 'not-registered';
  constructor(readonly kind: 'party' | 'facility', readonly id: string) {
    super(`${kind} ${id} is not registered`, { kind, id });
  }
}
