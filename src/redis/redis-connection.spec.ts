import { createRedisClient, reconnectOnReadOnly } from './redis-connection';

describe('reconnectOnReadOnly', () => {
  it.each([
    "READONLY You can't write against a read only replica.",
    // A write inside a Lua script (every BullMQ command) on a demoted primary.
    "ERR Error running script (call to f_1a2b): @user_script:12: -READONLY You can't write against a read only replica.",
  ])('reconnects on %j', (message) => {
    expect(reconnectOnReadOnly(new Error(message))).toBe(true);
  });

  it.each([
    'WRONGTYPE Operation against a key holding the wrong kind of value',
    'NOSCRIPT No matching script. Please use EVAL.',
    'ERR max number of clients reached',
    'BUSYKEY Target key name already exists.',
  ])('keeps the connection on %j', (message) => {
    expect(reconnectOnReadOnly(new Error(message))).toBe(false);
  });
});

describe('createRedisClient', () => {
  it('gives every connection, duplicates included, the READONLY reconnect', () => {
    const client = createRedisClient('redis://127.0.0.1:6379', 'test', { lazyConnect: true });
    // BullMQ makes its blocking connections, and the inbox relay its reader, with duplicate().
    const duplicate = client.duplicate({ connectionName: 'syncline:test:blocking' });
    try {
      expect(client.options.reconnectOnError).toBe(reconnectOnReadOnly);
      expect(duplicate.options.reconnectOnError).toBe(reconnectOnReadOnly);
    } finally {
      client.disconnect();
      duplicate.disconnect();
    }
  });
});
