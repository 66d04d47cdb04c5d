export const CLOCK = Symbol('CLOCK');
export const LEDGER_CONFIG = Symbol('LEDGER_CONFIG');
