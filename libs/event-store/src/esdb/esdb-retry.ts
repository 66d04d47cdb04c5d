/**
 * Bounded retries with exponential backoff and jitter, for the calls the adapter may safely repeat: an append with an
 * exact expected revision (the server compares the ids of a repeated append with what is stored at that revision,
 * durably, so a retry of a write that did commit answers as the first one would have, and writes nothing twice), and
 * a read after NotLeader (the client has switched to the leader the follower named).
 */
export type RetryPolicy = {
  /** Calls in all, the first included. */
  readonly attempts: number;
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  /** No retry starts once this much time has passed since the first call began. */
  readonly budgetMs: number;
};

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 5, firstDelayMs: 50, maxDelayMs: 1_000, budgetMs: 5_000 };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Full jitter on an exponential step: concurrent writers that failed together do not retry together. */
const backoff = (policy: RetryPolicy, retry: number): number =>
  Math.min(policy.maxDelayMs, policy.firstDelayMs * 3 ** (retry - 1)) * (0.5 + Math.random() / 2);

/** Runs `call`; on an error `retryable` accepts, tries again while the policy allows. The last error is thrown. */
export const withRetries = async <T>(
  policy: RetryPolicy, retryable: (error: unknown) => boolean, call: (attempt: number) => Promise<T>,
): Promise<T> => {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      const delay = backoff(policy, attempt);
      if (attempt >= policy.attempts || !retryable(error) || Date.now() - started + delay > policy.budgetMs) throw error;
      await sleep(delay);
    }
  }
};
