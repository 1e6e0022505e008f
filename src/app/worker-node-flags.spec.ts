import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKER_NODE_FLAGS } from './worker-node-flags';

const scripts = (
  JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts;

describe('worker processes', () => {
  it.each(['start:worker', 'start:prod:worker'])(
    '`npm run %s` starts a worker with the worker Node flags',
    (script) => {
      const command = scripts[script];
      expect(command).toMatch(/SYNCLINE_ROLE=worker node /);
      for (const flag of WORKER_NODE_FLAGS) expect(command.split(' ')).toContain(flag);
    },
  );

  it('the API keeps V8 defaults', () => {
    for (const flag of WORKER_NODE_FLAGS) {
      expect(scripts['start:api']).not.toContain(flag);
      expect(scripts['start:prod']).not.toContain(flag);
    }
  });
});
