/**
 * Node/V8 flags a worker process runs with: `npm run start:worker` and
 * `npm run start:prod:worker` pass them (package.json; a spec keeps the two in step), and
 * `npm run bench -- ingest` forks its workers with them.
 *
 * `--single-threaded-gc`: a worker is a throughput process, and several run per machine (one
 * per core) beside PostgreSQL or each other. V8's parallel scavenger and concurrent marker
 * then only add threads that compete for the same cores and synchronise with each other; on
 * 2 cores, ingest stored about a fifth more records per second without them. Garbage
 * collection pauses get longer, which nothing in a worker waits on but the job itself.
 * The API process keeps V8's defaults: its requests do wait on those pauses.
 */
export const WORKER_NODE_FLAGS: readonly string[] = ['--single-threaded-gc'];
