import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BoardFastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';

export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * Mounts the BullMQ dashboard at /admin/queues behind `isAdmin`. The dashboard and its
 * auth hook live in their own Fastify scope so the hook guards nothing else.
 */
export async function mountQueueBoard(
  fastify: FastifyInstance,
  queues: Queue[],
  isAdmin: (authorization: string | undefined) => Promise<boolean>,
): Promise<void> {
  const serverAdapter = new BoardFastifyAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({ queues: queues.map((queue) => new BullMQAdapter(queue)), serverAdapter });

  await fastify.register(async (scope) => {
    scope.addHook('onRequest', async (request, reply) => {
      if (await isAdmin(request.headers.authorization)) return;
      await reply
        .code(401)
        .header('WWW-Authenticate', 'Basic realm="Syncline queues", charset="UTF-8"')
        .send({ statusCode: 401, error: 'Unauthorized', message: 'Admin token required' });
    });
    await scope.register(serverAdapter.registerPlugin(), { prefix: QUEUE_BOARD_PATH });
  });
}
