import { z } from 'zod';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/http.ts';
import { queueAnswers } from '../../platform/queue.ts';
import { authenticateUser } from '../access/access.plugin.ts';

const Check = z.object({ ok: z.boolean() });
const ClockState = z.object({ now: z.string(), frozen: z.boolean(), offsetMs: z.number() });

/** The failure's detail goes to the log only: /ready is public, and errors can name hosts or users. */
async function check(fn: () => Promise<unknown>, log: Deps['logger'], what: string): Promise<z.infer<typeof Check>> {
  try {
    await fn();
    return { ok: true };
  } catch (err) {
    log.warn({ err }, `readiness: ${what} does not answer`);
    return { ok: false };
  }
}

/** Liveness, readiness, and the test clock (test mode only). */
export async function systemRoutes(app: App, deps: Deps): Promise<void> {
  app.get('/health', {
    schema: { tags: ['system'], summary: 'Liveness: the process answers', security: [], response: { 200: z.object({ status: z.literal('ok'), version: z.string() }) } },
  }, async () => ({ status: 'ok' as const, version: deps.version }));

  app.get('/ready', {
    schema: {
      tags: ['system'], summary: 'Readiness: the database and the job queue answer', security: [],
      response: { 200: z.object({ status: z.enum(['ready', 'not_ready']), database: Check, queue: Check }), 503: z.object({ status: z.enum(['ready', 'not_ready']), database: Check, queue: Check }) },
    },
  }, async (_req, reply) => {
    const [database, queue] = await Promise.all([
      check(() => deps.sql`select 1`, deps.logger, 'database'),
      check(async () => { if (!deps.boss) throw new Error('job queue not started'); await queueAnswers(deps.boss); }, deps.logger, 'job queue'),
    ]);
    const ready = database.ok && queue.ok;
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', database, queue });
  });

  const userAuth = authenticateUser(deps);
  const testClock = () => {
    if (!deps.testClock) throw new AppError('clock.test_mode_off', 'The test clock exists only when the instance runs with KOPROGO_TEST_MODE=true');
    return deps.testClock;
  };
  const adminOnly = (isAdmin: boolean) => {
    if (!isAdmin) throw new AppError('auth.forbidden', 'Only the instance administrator moves the test clock');
  };

  app.get('/api/v1/admin/clock', {
    onRequest: userAuth,
    schema: { tags: ['system'], summary: 'The instance clock (test mode only)', response: { 200: ClockState } },
  }, async (req) => { adminOnly(req.user.isInstanceAdmin); return testClock().state; });

  app.post('/api/v1/admin/clock', {
    onRequest: userAuth,
    schema: {
      tags: ['system'], summary: 'Move the test clock: set it to a time (optionally frozen), advance it, or reset it (test mode only)',
      body: z.union([
        z.object({ set: z.iso.datetime({ offset: true }), frozen: z.boolean().default(false) }).strict(),
        z.object({ advanceSeconds: z.number().int().min(-10 * 365 * 86_400).max(10 * 365 * 86_400) }).strict(),
        z.object({ reset: z.literal(true) }).strict(),
      ]),
      response: { 200: ClockState },
    },
  }, async (req) => {
    adminOnly(req.user.isInstanceAdmin);
    const clock = testClock();
    const body = req.body;
    if ('set' in body) clock.set(new Date(body.set), { frozen: body.frozen });
    else if ('advanceSeconds' in body) clock.advance(body.advanceSeconds * 1000);
    else clock.reset();
    req.log.warn({ clock: clock.state }, 'test clock moved');
    return clock.state;
  });
}
