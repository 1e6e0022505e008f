import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const REPO_ROOT = join(__dirname, '..', '..');

/** A Syncline process started the way an operator starts it, with its output captured. */
export interface SpawnedProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function spawnTs(
  script: string,
  env: Record<string, string>,
  options: { inheritEnv?: boolean; args?: string[] } = {},
): SpawnedProcess {
  const argv = ['-r', 'ts-node/register/transpile-only', script, ...(options.args ?? [])];
  const child = spawn(process.execPath, argv, {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      ...(options.inheritEnv ? process.env : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Polls `url` until it answers 200, or fails with the process's output. */
export async function waitUntilReady(
  url: string,
  process: SpawnedProcess,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (process.child.exitCode !== null) {
      throw new Error(`process exited with ${process.child.exitCode}:\n${process.output()}`);
    }
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`not ready after ${timeoutMs} ms:\n${process.output()}`);
}

/**
 * The JSON log lines of `process` that mention `text`, once there is at least one (a line is
 * written just after the response it describes), or [] after `timeoutMs`.
 */
export async function waitForLogLines(
  process: SpawnedProcess,
  text: string,
  timeoutMs = 5000,
): Promise<Record<string, unknown>[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = process
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{') && line.includes(text))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    if (lines.length > 0 || Date.now() > deadline) return lines;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
