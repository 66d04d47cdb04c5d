import type { CommandPlan, EventStore, RecordedEvent } from '@chip-ledger/event-store';
import { CLAIM_RELEASED, WrongExpectedRevision, commandIdOf, deterministicEventId } from '@chip-ledger/event-store';

export type Settlement = 'completed' | 'released';

const hasEvent = (events: readonly RecordedEvent[], ids: ReadonlySet<string>): boolean => events.some((event) => ids.has(event.id));

/**
 * Finishes or undoes an interrupted multi-stream command from its plan, without the client and without deciding again
 * (docs/adr/0001-multi-stream-commands.md). Safe to run by anyone, at any time, as often as needed, alongside the
 * command's own writer: each write goes to its planned exact revision with its planned ids, so a write already made is
 * answered as made (both stores), and a write refused means its stream moved past that revision without it, after
 * which the commit can never be written: the claims are released then.
 */
export const settleCommand = async (store: EventStore, plan: CommandPlan, now: () => Date = () => new Date()): Promise<Settlement> => {
  if (await commitRefused(store, plan)) {
    await releaseClaims(store, plan, now);
    return 'released';
  }
  for (const write of plan.writes) {
    try {
      await store.appendToStream(write.streamName, write.events, write.expectedRevision);
    } catch (error) {
      if (!(error instanceof WrongExpectedRevision)) throw error;
      await releaseClaims(store, plan, now);
      return 'released';
    }
  }
  return 'completed';
};

/** The commit is on its stream at its planned place: the command is complete and nothing needs settling. */
export const isCommitted = async (store: EventStore, plan: CommandPlan): Promise<boolean> => {
  const commit = plan.writes.find((write) => write.streamName === plan.commitStream);
  if (!commit || (typeof commit.expectedRevision !== 'bigint' && commit.expectedRevision !== 'no-stream')) return false;
  const at = commit.expectedRevision === 'no-stream' ? 0n : commit.expectedRevision + 1n;
  const [next] = await store.readStream(commit.streamName, { fromRevision: at, maxCount: 1 });
  return next !== undefined && next.id === commit.events[0]?.id;
};

/** The commit's stream has moved past the planned revision without the commit: no claim more needs writing. */
const commitRefused = async (store: EventStore, plan: CommandPlan): Promise<boolean> => {
  const commit = plan.writes.find((write) => write.streamName === plan.commitStream);
  if (!commit || typeof commit.expectedRevision !== 'bigint') return false;
  const [next] = await store.readStream(commit.streamName, { fromRevision: commit.expectedRevision + 1n, maxCount: 1 });
  return next !== undefined && next.id !== commit.events[0]?.id;
};

const releaseClaims = async (store: EventStore, plan: CommandPlan, now: () => Date): Promise<void> => {
  const claims = plan.writes.filter((write) => write.streamName !== plan.commitStream);
  for (const claim of claims) {
    const ids = new Set(claim.events.map((event) => event.id));
    const claimMetadata = claim.events[0]?.metadata ?? {};
    const release = {
      id: deterministicEventId(`${plan.commandId}\u0000release`, claim.streamName, 0),
      type: CLAIM_RELEASED,
      data: { assetId: claim.streamName.slice(claim.streamName.indexOf('-') + 1), commandId: plan.commandId },
      // Business time: the claim's own (a release changes nothing in it); ledger time: now.
      metadata: {
        occurredAt: claimMetadata.occurredAt, recordedAt: now().toISOString(), actor: 'ledger', commandId: plan.commandId,
        correlationId: claimMetadata.correlationId ?? plan.commandId, causationId: plan.commandId, schemaVersion: 1,
      },
    };
    for (;;) {
      const events = await store.readStream(claim.streamName);
      if (!hasEvent(events, ids)) break; // never written: nothing to release
      if (events.some((event) => event.type === CLAIM_RELEASED && commandIdOf(event) === plan.commandId)) break;
      const revision = events.length ? events[events.length - 1].revision : null;
      try {
        await store.appendToStream(claim.streamName, [release], revision === null ? 'no-stream' : revision);
        break;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevision)) throw error;
      }
    }
  }
};
