import { ConflictError } from '../common/errors/domain-error';

/** A trigger while the connection already has a queued or running sync: 409 naming it. */
export class SyncAlreadyActiveError extends ConflictError {
  constructor(readonly activeSyncId: string) {
    super(`A sync of this connection is already queued or running: ${activeSyncId}`, {
      syncId: activeSyncId,
    });
  }
}
