import type { WebSocket } from '@fastify/websocket';
import { ErrorBodySchema, errorResponses, LiveClientMessageSchema, type LiveServerMessage } from '@koprogo/protocols';
import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../platform/deps.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import type { App } from '../../platform/http.ts';
import { isUuid } from '../../platform/ids.ts';
import { hasPermission } from '../access/access.domain.ts';
import { requirePermission } from '../access/access.guard.ts';
import { authenticateOrgRequest, jwtMember } from '../access/access.plugin.ts';
import { BallotQueue } from './ballot-queue.ts';
import { MeetingHub } from './live.hub.ts';
import * as repo from './meetings.repo.ts';
import * as voting from './voting.repo.ts';
import { hashToken } from './session.service.ts';

/** The client must authenticate within this delay after the upgrade (like the event socket). */
export const LIVE_AUTH_TIMEOUT_MS = 5000;
export const CLOSE_UNAUTHENTICATED = 4401;
export const CLOSE_NOT_FOUND = 4404;

type Who = { role: 'chair' } | { role: 'voter'; holderId: string };

/** First-message authentication: an access JWT with assembly.read on the meeting's building (chair view), or a voter token. */
async function authenticate(deps: Deps, orgId: string, meeting: repo.MeetingRow, text: string): Promise<Who | 'unauthenticated' | 'not_found'> {
  let msg: unknown;
  try { msg = JSON.parse(text); } catch { return 'unauthenticated'; }
  const parsed = LiveClientMessageSchema.safeParse(msg);
  if (!parsed.success) return 'unauthenticated';
  const m = parsed.data;
  if (m.type === 'voter') {
    const holderId = await repo.holderFromToken(deps.sql, orgId, meeting.id, hashToken(m.voterToken));
    return holderId ? { role: 'voter', holderId } : 'unauthenticated';
  }
  if (m.type !== 'auth') return 'unauthenticated';
  try {
    const { user } = await jwtMember(deps, m.token, orgId);
    const ctx = { userId: user.userId, organizationId: orgId, grants: user.grants, scopes: ['read', 'write'] as const, via: 'jwt' as const, sessionId: null };
    return hasPermission({ ...ctx, scopes: [...ctx.scopes] }, 'assembly.read', meeting.buildingId) ? { role: 'chair' } : 'not_found';
  } catch (e) {
    if (e instanceof AppError && e.code === 'organization.not_found') return 'not_found';
    if (e instanceof AppError) return 'unauthenticated';
    throw e;
  }
}

/** The first message after authentication: the meeting, its open resolutions, and for a voter whom they vote for and how they voted. */
async function readyMessage(deps: Deps, orgId: string, meeting: repo.MeetingRow, who: Who): Promise<LiveServerMessage> {
  const open = (await repo.agendaOf(deps.sql, orgId, meeting.id)).filter((i) => i.voteStatus === 'open');
  const base = {
    type: 'ready' as const, role: who.role,
    openItems: open.map((i) => ({ itemId: i.id, title: i.title, draftResolution: i.draftResolution, majority: i.majority })),
    meeting: { kind: meeting.kind, meetingDate: meeting.meetingDate, startTime: meeting.startTime, place: meeting.place, status: meeting.status },
  };
  if (who.role !== 'voter') return base;
  const attendance = (await voting.attendanceOf(deps.sql, orgId, meeting.id)).filter((a) => a.holderPersonId === who.holderId);
  const carries = [...attendance.filter((a) => a.personId === who.holderId), ...attendance.filter((a) => a.personId !== who.holderId)]
    .map((a) => ({ personId: a.personId, name: a.personName }));
  const mine = new Set(carries.map((c) => c.personId));
  const ballots = (await Promise.all(open.map(async (i) => (await voting.ballotsOf(deps.sql, orgId, i.id))
    .filter((b) => mine.has(b.ownerId)).map((b) => ({ itemId: i.id, personId: b.ownerId, choice: b.choice }))))).flat();
  return { ...base, carries, ballots };
}

function onSocket(deps: Deps, hub: MeetingHub, ballots: BallotQueue) {
  return (socket: WebSocket, req: FastifyRequest): void => {
    const { orgId = '', meetingId = '' } = req.params as { orgId?: string; meetingId?: string };
    let who: Who | null = null;
    let meetingRef: repo.MeetingRow | null = null;
    let waiting = true;
    let closed = false;
    let unsubscribe: (() => void) | null = null;
    const send = (m: LiveServerMessage) => { if (!closed) socket.send(JSON.stringify(m)); };
    const close = (code: number, reason: string) => { clearTimeout(timer); if (!closed) socket.close(code, reason); };
    const timer = setTimeout(() => close(CLOSE_UNAUTHENTICATED, 'authentication timeout'), LIVE_AUTH_TIMEOUT_MS);
    socket.on('close', () => { closed = true; clearTimeout(timer); unsubscribe?.(); });
    socket.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      const text = isBinary || !Buffer.isBuffer(data) ? '' : data.toString('utf8');
      if (waiting) {
        waiting = false;
        start(text).catch((err: unknown) => { req.log.error({ err }, 'live meeting socket failed'); close(1011, 'internal error'); });
        return;
      }
      if (who?.role !== 'voter') return; // the chair view only listens
      void vote(who.holderId, text);
    });

    async function start(text: string) {
      const meeting = isUuid(orgId) && isUuid(meetingId) ? await repo.findMeetingById(deps.sql, orgId, meetingId) : null;
      if (!meeting) return close(CLOSE_NOT_FOUND, 'meeting not found');
      const r = await authenticate(deps, orgId, meeting, text);
      if (r === 'unauthenticated') return close(CLOSE_UNAUTHENTICATED, 'expected {"type":"auth","token":"…"} or {"type":"voter","voterToken":"…"}');
      if (r === 'not_found') return close(CLOSE_NOT_FOUND, 'meeting not found');
      const unsub = await hub.subscribe(orgId, meeting.id, (notice) => {
        const m = notice.message as LiveServerMessage;
        if (m.type === 'resolution.opened' || m.type === 'resolution.closed' || m.type === 'vote.recorded') send(m);
      }, { ballots: r.role === 'chair' }); // ballots are the chair's view only
      if (closed) return unsub();
      unsubscribe = unsub;
      meetingRef = meeting;
      who = r;
      clearTimeout(timer);
      send(await readyMessage(deps, orgId, meeting, r));
    }

    async function vote(holderId: string, text: string) {
      let clientVoteId: string | null = null;
      try {
        const parsed = LiveClientMessageSchema.safeParse(JSON.parse(text));
        if (!parsed.success || parsed.data.type !== 'vote') throw new AppError('live.invalid_message', 'Expected {"type":"vote","itemId","choice","clientVoteId"}');
        const v = parsed.data;
        clientVoteId = v.clientVoteId;
        const ack = await ballots.cast(orgId, meetingRef!.id, v.itemId, { personId: v.personId ?? holderId, choice: v.choice, clientVoteId }, holderId);
        send({ type: 'vote.ack', itemId: ack.itemId, personId: ack.personId, choice: ack.choice, clientVoteId: v.clientVoteId, replaced: ack.replaced });
      } catch (e) {
        const err = e instanceof AppError ? e : e instanceof SyntaxError ? new AppError('live.invalid_message', 'Not JSON') : null;
        if (!err) {
          req.log.error({ err: e }, 'live vote failed');
          return send({ type: 'vote.rejected', clientVoteId, code: 'live.internal', message: 'The vote could not be recorded; send it again' });
        }
        send({ type: 'vote.rejected', clientVoteId, code: err.code, message: err.message });
      }
    }
  };
}

/** GET /api/v1/orgs/:orgId/meetings/:meetingId/live, upgraded to a WebSocket; registered at the top level next to /events. */
export async function liveMeetingRoutes(app: App, deps: Deps): Promise<void> {
  const hub = new MeetingHub(deps.sql, deps.logger);
  const ballots = new BallotQueue(deps.sql, deps.clock);
  app.addHook('onClose', async () => { await hub.close(); });
  const httpAuth = authenticateOrgRequest(deps);
  app.route({
    method: 'GET',
    url: '/api/v1/orgs/:orgId/meetings/:meetingId/live',
    schema: {
      tags: ['assemblies'],
      summary: 'Live voting of a meeting, over a WebSocket',
      description: 'Upgrade, then within 5 s send {"type":"auth","token":"<access JWT>"} (chair view: needs assembly.read on the building) or '
        + '{"type":"voter","voterToken":"<token from sign-in>"}. Server: {"type":"ready"}, resolution.opened/closed to all, vote.recorded to the chair. '
        + 'Voters send {"type":"vote","itemId","choice","clientVoteId","personId?"} and get vote.ack or vote.rejected; resending the same clientVoteId '
        + 'after a dropped connection records nothing twice. Close codes: 4401 bad, missing or late credentials; 4404 unknown meeting. Plain HTTP answers 426.',
      response: { 426: ErrorBodySchema, ...errorResponses },
    },
    onRequest: async (req) => { if (!req.ws) await httpAuth(req); },
    handler: async (req, reply) => {
      const { orgId, meetingId } = req.params as { orgId: string; meetingId: string };
      const m = isUuid(meetingId) ? await repo.findMeetingById(deps.sql, orgId, meetingId) : null;
      if (!m) throw notFound('meeting', meetingId);
      requirePermission(req.auth, 'assembly.read', m.buildingId);
      return reply.status(426).header('upgrade', 'websocket').send({
        error: { code: 'live.upgrade_required', message: 'This route only speaks WebSocket: send an upgrade request', requestId: req.id },
      });
    },
    wsHandler: onSocket(deps, hub, ballots),
  });
}
