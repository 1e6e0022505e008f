import { DomainError } from '../common/errors/domain-error';

/** SYNC_MAX_DELETE_FRACTION and SYNC_DELETE_GUARD_MIN_RECORDS. */
export interface DeletionGuardLimits {
  maxFraction: number;
  minRecords: number;
}

/** What a full run's deletion pass is about to do. */
export interface DeletionPlan {
  /** Held records the read did not return: each would be marked deleted. */
  vanished: number;
  /** Live records the connection held when the read started. */
  held: number;
}

/**
 * Whether a full run would delete too much to trust its read. An empty or cut-short read (a
 * token that lost a scope but still gets 200 and no records, a vendor answering empty pages)
 * looks exactly like a mass deletion at the vendor; deleting on it would close every profile
 * built from the tool and push the deletions out. Small deletions always pass, so a connection
 * with a handful of records behaves as it always did.
 */
export function exceedsDeletionGuard(plan: DeletionPlan, limits: DeletionGuardLimits): boolean {
  return plan.vanished > limits.minRecords && plan.vanished > plan.held * limits.maxFraction;
}

/** A full run stopped by the guard before it deleted anything; the run fails with this message. */
export class MassDeletionBlockedError extends DomainError {
  readonly code = 'MASS_DELETION_BLOCKED';
  readonly httpStatus = 409;

  constructor(
    readonly plan: DeletionPlan,
    maxFraction: number,
  ) {
    const share = plan.held > 0 ? Math.round((plan.vanished / plan.held) * 100) : 100;
    super(
      `Full sync stopped before deleting anything: ${plan.vanished} of the ${plan.held} records ` +
        `held for this connection (${share}%) were missing from what the vendor returned, more ` +
        `than SYNC_MAX_DELETE_FRACTION=${maxFraction} allows. Check the connection's credentials, ` +
        `scopes and the vendor's status, then sync again; if the vendor really deleted them, ` +
        `start a full sync with {"mode":"full","allowMassDeletion":true}.`,
      { ...plan },
    );
  }
}
