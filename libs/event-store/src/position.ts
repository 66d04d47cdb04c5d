import type { GlobalPosition } from './event-store.port';

const compare = (x: bigint, y: bigint): number => (x < y ? -1 : x > y ? 1 : 0);

export const comparePositions = (a: GlobalPosition, b: GlobalPosition): number =>
  compare(a.commit, b.commit) || compare(a.prepare, b.prepare);

export const positionOf = (sequence: bigint | number): GlobalPosition => {
  const value = BigInt(sequence);
  return { commit: value, prepare: value };
};

/** `1234` when commit and prepare agree (the embedded store), `1234-1200` otherwise. Opaque to clients. */
export const encodePosition = ({ commit, prepare }: GlobalPosition): string =>
  commit === prepare ? `${commit}` : `${commit}-${prepare}`;

export const decodePosition = (token: string): GlobalPosition | null => {
  const match = /^(\d{1,20})(?:-(\d{1,20}))?$/.exec(token);
  if (!match) return null;
  const commit = BigInt(match[1]);
  return { commit, prepare: match[2] === undefined ? commit : BigInt(match[2]) };
};
