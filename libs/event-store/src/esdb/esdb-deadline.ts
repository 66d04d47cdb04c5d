import { StoreUnavailable } from '../event-store.errors';

/**
 * Client 6.2.1 puts no deadline on reads (`deadline: Infinity`) nor on the BatchAppend call (the deadline travels in
 * the request, for the server to honour), so a node that accepts connections and never answers would hold them
 * forever. Every call the adapter makes goes through this: past `ms`, it fails with StoreUnavailable and `abandon`
 * releases what it holds (a read is cancelled; an append in flight is left to settle, its outcome unknown).
 */
export const withDeadline = async <T>(ms: number, operation: string, call: Promise<T>, abandon?: () => void): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abandon?.();
      reject(new StoreUnavailable(`EventStoreDB did not answer ${operation} within ${ms} ms`));
    }, ms);
  });
  call.catch(() => undefined); // settles after the deadline: nobody is waiting for it any more
  try {
    return await Promise.race([call, expired]);
  } finally {
    clearTimeout(timer);
  }
};
