/**
 * `npm run bench -- <name> [options]` runs `bench/<name>.ts`'s exported `run(args)`.
 * Benchmarks read DATABASE_URL / REDIS_URL like the service; each prints its figures for
 * people and ends with one line of JSON.
 */
import 'reflect-metadata';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

type Benchmark = { run(args: string[]): Promise<void> };

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const available = readdirSync(__dirname)
    .filter((file) => file.endsWith('.ts') && file !== 'run.ts' && !file.endsWith('-support.ts'))
    .map((file) => file.replace(/\.ts$/, ''));
  if (!name || !existsSync(join(__dirname, `${name}.ts`)) || name === 'run') {
    console.error(
      `usage: npm run bench -- <name> [options]\navailable: ${available.join(', ') || '(none yet)'}`,
    );
    process.exit(2);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const benchmark = require(join(__dirname, `${name}.ts`)) as Benchmark;
  await benchmark.run(args);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
