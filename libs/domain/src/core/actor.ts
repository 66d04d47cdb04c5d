export const ROLES = ['manufacturer', 'carrier', 'operator', 'customs', 'investigator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The authenticated party on whose behalf a command runs. */
export type Actor = { readonly partyId: string; readonly roles: readonly Role[] };

export const hasRole = (actor: Actor, ...roles: Role[]): boolean => roles.some((role) => actor.roles.includes(role));
