/** Injection token for the process's shared ioredis client (commands, not blocking reads). */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');
