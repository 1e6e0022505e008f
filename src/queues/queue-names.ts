/** Every BullMQ queue Syncline uses; a queue that is not listed here does not exist. */
export const QueueName = {
  /** One job per sync run: read a connection page by page. */
  Sync: 'sync',
  /** Verified webhook events waiting to be mapped (or fetched) and ingested. */
  Webhooks: 'webhooks',
  /** Batches of source records on their way into the profile store. */
  Ingest: 'ingest',
  /** Coalesced profile writes to destination connections. */
  Outbound: 'outbound',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const ALL_QUEUES: readonly QueueName[] = Object.values(QueueName);
