export class Unauthenticated extends Error {
  readonly code = 'unauthenticated';
  constructor(message: string) {
    super(message);
  }
}
