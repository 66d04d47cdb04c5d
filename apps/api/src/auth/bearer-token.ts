/**
 * The token of an `Authorization: Bearer <token>` header, or undefined. The scheme is matched without regard to case
 * (RFC 9110 §11.1: `bearer` and `BEARER` are the same scheme, and some clients send them so).
 */
export const bearerToken = (authorization: string | undefined): string | undefined => {
  const match = /^bearer +(.*)$/i.exec(authorization ?? '');
  const token = match?.[1].trim();
  return token ? token : undefined;
};
