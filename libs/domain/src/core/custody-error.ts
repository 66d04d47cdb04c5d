/** Domain errors: a stable code and data, nothing about transport. The API maps codes to statuses. */
export abstract class CustodyError extends Error {
  abstract readonly code: string;
  constructor(
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}
