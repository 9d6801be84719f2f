import type { Deps } from '../../platform/deps.ts';
import { QUEUE, QUEUE_OPTIONS } from './drafts.service.ts';

/**
 * Creates the grid's draft queues (grid-design §5.1) at start-up, whether or not the grid runs here:
 * a draft is enqueued either way and waits (visible as `queued`) until a capable node is online.
 * The queues have no pg-boss worker: the grid's dispatcher (grid.dispatcher.ts) fetches only as many
 * jobs as there are idle capable nodes.
 */
export async function registerGridJobs(deps: Deps): Promise<void> {
  const boss = deps.boss!;
  if (!(await boss.getQueue(QUEUE.dead))) await boss.createQueue(QUEUE.dead);
  for (const name of [QUEUE.reminder, QUEUE.convocation]) {
    if (!(await boss.getQueue(name))) await boss.createQueue(name, { ...QUEUE_OPTIONS });
  }
}
