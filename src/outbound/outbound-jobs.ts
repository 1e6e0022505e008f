/** Job names on the `outbound` queue. */
export const OutboundJobName = {
  /** Bring one destination up to date with one profile (coalesced per destination + profile). */
  Push: 'push',
  /** Delete or archive an erased person at one destination. */
  Erase: 'erase',
} as const;

export interface OutboundJobData {
  connectionId: string;
  profileId: string;
}

/**
 * Changes to one profile within this window become one write per destination: the job waits
 * this long, and changes meanwhile are folded into it.
 */
export const COALESCE_WINDOW_MS = 100;

export function pushDedupeId(connectionId: string, profileId: string): string {
  return `push-${connectionId}-${profileId}`;
}
