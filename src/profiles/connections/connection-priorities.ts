/**
 * Survivorship reads connection priorities through this port, so the profile store does not
 * reach into the connections feature's tables or services. Higher numbers win; null means the
 * connection has no priority and recency decides.
 */
export interface ConnectionPriorities {
  get(connectionIds: string[]): Promise<Map<string, number | null>>;
}

export const CONNECTION_PRIORITIES = Symbol('CONNECTION_PRIORITIES');
