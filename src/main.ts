/**
 * Syncline entry point. `SYNCLINE_ROLE` picks the process: `api` (HTTP), `worker` (queue
 * consumers and schedulers; no HTTP server, only an optional metrics listener on
 * `WORKER_METRICS_PORT`) or `all` (both, for development).
 */
import 'reflect-metadata';
import { createApiApp } from './app/create-api-app';
import { createWorkerApp } from './app/create-worker-app';
import { preflight } from './bootstrap/preflight';
import { StartupError } from './bootstrap/startup-error';
import { ConfigError, loadConfig } from './config/load-config';

const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Until Nest takes over the signals, a stop request ends the process at once. Nothing has
 * started that needs draining, and a process waiting (for the migration lock, say) would
 * otherwise ignore the signal, go on to take jobs and be killed mid-job when the grace ran out.
 * Creating the database and each migration are transactions: PostgreSQL rolls them back.
 */
function exitOnStopBeforeStart(): () => void {
  const stop = (signal: NodeJS.Signals) => {
    console.error(`syncline: ${signal} before start-up finished, exiting`);
    process.exit(0);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, stop);
  return () => STOP_SIGNALS.forEach((signal) => process.removeListener(signal, stop));
}

/**
 * Arms the shutdown deadline on whichever stop signal comes first: a shutdown hanging on an
 * unreachable Redis or database must not keep the process, and its jobs, hostage.
 */
function limitShutdown(graceMs: number): void {
  let armed = false;
  const arm = () => {
    if (armed) return;
    armed = true;
    setTimeout(() => {
      console.error(`syncline: shutdown took longer than ${graceMs} ms, exiting`);
      process.exit(1);
    }, graceMs).unref();
  };
  for (const signal of STOP_SIGNALS) process.once(signal, arm);
}

async function main(): Promise<void> {
  const config = loadConfig();
  limitShutdown(config.shutdownGraceMs);
  const handOverSignals = exitOnStopBeforeStart();
  await preflight(config);
  // From here Nest's shutdown hooks drain HTTP and jobs on a signal.
  handOverSignals();
  if (config.role === 'worker') {
    await createWorkerApp(config);
    return;
  }
  const app = await createApiApp(config);
  await app.listen(config.port, config.host);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) console.error(`syncline: ${problem}`);
  } else if (error instanceof StartupError) {
    console.error(`syncline: ${error.message}`);
  } else {
    console.error('syncline: start-up failed', error);
  }
  process.exit(1);
});
