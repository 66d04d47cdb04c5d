const UNITS: Readonly<Record<string, number>> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** BODY_LIMIT as operators write it (`256kb`, `1mb`, `65536`), in bytes; units are powers of 1024, as body-parser read them. */
export const byteSize = (text: string): number => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(text);
  if (!match) throw new Error(`BODY_LIMIT must be a size such as 256kb, 1mb or 65536; got "${text}"`);
  return Math.floor(Number(match[1]) * UNITS[(match[2] ?? 'b').toLowerCase()]);
};
