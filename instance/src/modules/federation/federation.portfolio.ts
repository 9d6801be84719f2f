import { randomUUID } from 'node:crypto';
import { FED_CONTEXT, PortfolioPart } from '@koprogo/protocols';
import { OutboundRefused, safeRequest, signRequest } from '@koprogo/federation';
import type { Db } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { originFor, signingIdentity, type FedDeps } from './federation.identity.ts';
import { enqueueActivity, newActivityId } from './federation.outbox.ts';
import * as repo from './federation.repo.ts';

/**
 * Owners across instances (design §8.3, simplified to the portfolio). The owner asks on the home
 * instance (consent there), the home instance sends a signed Follow; the owner accepts it on the
 * building instance, signed in there (consent there); the home instance then fetches that owner's
 * part of the portfolio by signed GET. Either side withdraws; the building instance refuses at once.
 * On a building instance, "this owner" is every person record carrying the accepting user's e-mail.
 */

export interface LinkRow {
  id: string; side: 'home' | 'building'; peerHost: string; remoteEmail: string; state: 'requested' | 'active' | 'withdrawn';
  createdAt: Date; acceptedAt: Date | null; withdrawnAt: Date | null;
}
const linkCols = (db: Db) => db`l.id, l.side, p.host as "peerHost", l.remote_email as "remoteEmail", l.state, l.created_at as "createdAt",
  l.accepted_at as "acceptedAt", l.withdrawn_at as "withdrawnAt"`;

async function emailOf(db: Db, userId: string): Promise<string> {
  const [u] = await db<{ email: string }[]>`select email from users where id = ${userId}`;
  return u!.email;
}

/** The user's links: those they asked for here, and those asked for them elsewhere (to accept here). */
export async function listLinks(db: Db, userId: string): Promise<LinkRow[]> {
  const email = await emailOf(db, userId);
  return db<LinkRow[]>`select ${linkCols(db)} from fed_owner_links l join fed_peers p on p.id = l.peer_id
    where l.user_id = ${userId} or (l.side = 'building' and l.state = 'requested' and lower(l.remote_email) = lower(${email}))
    order by l.created_at desc limit 200`;
}

export async function requestLink(deps: FedDeps, userId: string, fedPeerId: string, email: string): Promise<{ link: LinkRow; activityId: string }> {
  const o = originFor(deps);
  return deps.sql.begin(async (tx) => {
    const [peer] = await tx<{ id: string; host: string; actorId: string }[]>`select id, host, actor_id as "actorId" from fed_peers where id = ${fedPeerId} and status = 'allowed'`;
    if (!peer) throw new AppError('fed_link.peer_not_allowed', 'That instance is not an allowed peer', { fedPeerId });
    const id = randomUUID();
    const linkUrl = `${o.base}/fed/links/${id}`;
    const at = deps.clock.now();
    await tx`insert into fed_owner_links (id, link_id, side, peer_id, user_id, remote_email, state, created_at)
      values (${id}, ${linkUrl}, 'home', ${peer.id}, ${userId}, ${email}, 'requested', ${at})`;
    const activityId = await enqueueActivity(tx, deps, { '@context': [...FED_CONTEXT], id: newActivityId(o), type: 'Follow', actor: o.actorId,
      published: at.toISOString(), to: [peer.actorId], target: peer.actorId, object: { type: 'copro:OwnerFeed', id: linkUrl, email } }, [peer.host]);
    const [link] = await tx<LinkRow[]>`select ${linkCols(tx)} from fed_owner_links l join fed_peers p on p.id = l.peer_id where l.id = ${id}`;
    return { link: link!, activityId };
  }) as Promise<{ link: LinkRow; activityId: string }>;
}

/** Building side: the owner, signed in here with the e-mail the request named, gives consent. */
export async function acceptLink(deps: FedDeps, userId: string, id: string): Promise<{ link: LinkRow; activityId: string | null }> {
  const o = originFor(deps);
  const email = await emailOf(deps.sql, userId);
  return deps.sql.begin(async (tx) => {
    const [l] = await tx<{ linkId: string; state: string; userId: string | null; peerHost: string; actorId: string }[]>`select l.link_id as "linkId", l.state,
      l.user_id as "userId", p.host as "peerHost", p.actor_id as "actorId" from fed_owner_links l join fed_peers p on p.id = l.peer_id
      where l.id = ${id} and l.side = 'building' and lower(l.remote_email) = lower(${email}) for update of l`;
    if (!l) throw new AppError('fed_link.not_found', 'No such link request for you', { linkId: id });
    let activityId: string | null = null;
    if (l.state === 'withdrawn') throw new AppError('fed_link.closed', 'This link was withdrawn; ask for a new one');
    if (l.state === 'requested') {
      const at = deps.clock.now();
      await tx`update fed_owner_links set state = 'active', user_id = ${userId}, accepted_at = ${at} where id = ${id}`;
      activityId = await enqueueActivity(tx, deps, { '@context': [...FED_CONTEXT], id: newActivityId(o), type: 'Accept', actor: o.actorId,
        published: at.toISOString(), to: [l.actorId], object: { type: 'copro:OwnerFeed', id: l.linkId },
        'copro:feedUrl': `${o.base}/fed/owner-feeds/${id}/portfolio` }, [l.peerHost]);
    }
    const [link] = await tx<LinkRow[]>`select ${linkCols(tx)} from fed_owner_links l join fed_peers p on p.id = l.peer_id where l.id = ${id}`;
    return { link: link!, activityId };
  }) as Promise<{ link: LinkRow; activityId: string | null }>;
}

/** Either side withdraws its consent: effective here at once, announced to the other side. */
export async function withdrawLink(deps: FedDeps, userId: string, id: string): Promise<{ link: LinkRow; activityId: string | null }> {
  const o = originFor(deps);
  return deps.sql.begin(async (tx) => {
    const [l] = await tx<{ linkId: string; state: string; peerHost: string; actorId: string }[]>`select l.link_id as "linkId", l.state, p.host as "peerHost",
      p.actor_id as "actorId" from fed_owner_links l join fed_peers p on p.id = l.peer_id where l.id = ${id} and l.user_id = ${userId} for update of l`;
    if (!l) throw new AppError('fed_link.not_found', 'No such link of yours', { linkId: id });
    let activityId: string | null = null;
    if (l.state !== 'withdrawn') {
      const at = deps.clock.now();
      await tx`update fed_owner_links set state = 'withdrawn', withdrawn_at = ${at} where id = ${id}`;
      activityId = await enqueueActivity(tx, deps, { '@context': [...FED_CONTEXT], id: newActivityId(o), type: 'Undo', actor: o.actorId,
        published: at.toISOString(), to: [l.actorId], object: { type: 'copro:OwnerFeed', id: l.linkId } }, [l.peerHost]);
    }
    const [link] = await tx<LinkRow[]>`select ${linkCols(tx)} from fed_owner_links l join fed_peers p on p.id = l.peer_id where l.id = ${id}`;
    return { link: link!, activityId };
  }) as Promise<{ link: LinkRow; activityId: string | null }>;
}

/** Inbox handlers (Follow on the building side; Accept and Undo on either). */
export async function receiveFollow(tx: Db, peer: repo.PeerRow, obj: { id: string; email: string }, target: string, ourActor: string, at: Date): Promise<string> {
  if (target !== ourActor) return 'ignored: addressed to another instance';
  if (new URL(obj.id).host !== peer.host) return 'ignored: link not minted by the sender';
  await tx`insert into fed_owner_links (id, link_id, side, peer_id, remote_email, state, created_at)
    values (${randomUUID()}, ${obj.id}, 'building', ${peer.id}, ${obj.email}, 'requested', ${at}) on conflict (link_id, side) do nothing`;
  return 'ok';
}
export async function receiveFeedAccept(tx: Db, peer: repo.PeerRow, linkUrl: string, feedUrl: string, at: Date): Promise<string> {
  if (new URL(feedUrl).host !== peer.host) return 'ignored: feed not on the sender\'s host';
  const r = await tx`update fed_owner_links set state = 'active', feed_url = ${feedUrl}, accepted_at = ${at}
    where link_id = ${linkUrl} and side = 'home' and peer_id = ${peer.id} and state = 'requested' returning id`;
  return r.length ? 'ok' : 'ignored: no pending link';
}
export async function receiveUndo(tx: Db, peer: repo.PeerRow, linkUrl: string, at: Date): Promise<string> {
  const r = await tx`update fed_owner_links set state = 'withdrawn', withdrawn_at = ${at}
    where link_id = ${linkUrl} and peer_id = ${peer.id} and state <> 'withdrawn' returning id`;
  return r.length ? 'ok' : 'ignored: no such link';
}

/** This instance's part of an owner's portfolio: every building where a person with that e-mail holds a lot today. */
export async function localPortfolio(db: Db, email: string, today: string, instance: string) {
  const rows = await db<{ organization: string; buildingId: string; building: string; lots: string[]; balanceCents: string }[]>`
    with mine as (select id, organization_id from persons where lower(email) = lower(${email})),
    held as (select l.organization_id, l.building_id, array_agg(distinct l.number order by l.number) as lots from holdings h
      join mine m on m.id = h.person_id and m.organization_id = h.organization_id join lots l on l.organization_id = h.organization_id and l.id = h.lot_id
      where h.valid_from <= ${today}::date and (h.valid_to is null or h.valid_to > ${today}::date) group by l.organization_id, l.building_id)
    select o.name as organization, b.id as "buildingId", b.name as building, held.lots,
      coalesce((select sum(jl.debit_cents - jl.credit_cents) from journal_lines jl join mine m on m.id = jl.person_id and m.organization_id = jl.organization_id
        join journal_entries e on e.organization_id = jl.organization_id and e.id = jl.entry_id
        join chart_accounts a on a.organization_id = jl.organization_id and a.building_id = jl.building_id and a.number = jl.account
        where jl.organization_id = held.organization_id and jl.building_id = held.building_id and a.is_owner_account and e.entry_date <= ${today}::date), 0)::text as "balanceCents"
    from held join buildings b on b.organization_id = held.organization_id and b.id = held.building_id join organizations o on o.id = held.organization_id
    order by o.name, b.name, b.id`;
  const meetings = rows.length === 0 ? [] : await db<{ buildingId: string; id: string; date: string; kind: string; status: string }[]>`
    select building_id as "buildingId", id, meeting_date::text as date, kind, status from meetings
    where building_id = any(${rows.map((r) => r.buildingId)}::uuid[]) and meeting_date >= ${today}::date and status in ('convened', 'open')
    order by meeting_date, id`;
  return {
    instance, asOf: today,
    holdings: rows.map((r) => ({ ...r, balanceCents: Number(r.balanceCents),
      upcomingMeetings: meetings.filter((m) => m.buildingId === r.buildingId).map(({ buildingId: _b, ...m }) => m) })),
  };
}

/** Building side of the signed GET: the portfolio of the owner who accepted the link, only while it is active. */
export async function feedFor(deps: FedDeps, id: string, peerHost: string) {
  const [l] = await deps.sql<{ state: string; email: string | null }[]>`select l.state, u.email from fed_owner_links l join fed_peers p on p.id = l.peer_id
    left join users u on u.id = l.user_id where l.id = ${id} and l.side = 'building' and p.host = ${peerHost}`;
  if (!l) throw new AppError('fed_link.not_found', 'No such owner feed for this peer');
  if (l.state !== 'active' || !l.email) throw new AppError('fed_link.withdrawn', 'The owner has not given, or has withdrawn, consent');
  return localPortfolio(deps.sql, l.email, deps.clock.today(), originFor(deps).host);
}

/** The owner's whole portfolio: this instance's part, then every linked instance's part fetched by signed GET. */
export async function portfolio(deps: FedDeps, userId: string) {
  const email = await emailOf(deps.sql, userId);
  const parts = [await localPortfolio(deps.sql, email, deps.clock.today(), originFor(deps).host)];
  const unavailable: Array<{ linkId: string; peerHost: string; reason: string }> = [];
  const links = await deps.sql<{ id: string; feedUrl: string; peerHost: string }[]>`select l.id, l.feed_url as "feedUrl", p.host as "peerHost"
    from fed_owner_links l join fed_peers p on p.id = l.peer_id where l.user_id = ${userId} and l.side = 'home' and l.state = 'active' and p.status = 'allowed'
    order by l.created_at`;
  const identity = links.length ? await signingIdentity(deps) : null;
  for (const l of links) {
    try {
      const headers = await signRequest({ method: 'GET', url: l.feedUrl, headers: { accept: 'application/json' } }, identity!, deps.clock.now());
      const res = await safeRequest(l.feedUrl, { method: 'GET', headers, allowPrivate: deps.config.federation.allowPrivateAddresses, maxResponseBytes: 1024 * 1024 });
      const body = (() => { try { return JSON.parse(res.body.toString('utf8')) as unknown; } catch { return null; } })();
      const part = res.status === 200 ? PortfolioPart.safeParse(body) : null;
      if (part?.success) parts.push(part.data);
      else unavailable.push({ linkId: l.id, peerHost: l.peerHost, reason: (body as { error?: { code?: string } } | null)?.error?.code ?? `status ${res.status}` });
    } catch (e) {
      unavailable.push({ linkId: l.id, peerHost: l.peerHost, reason: e instanceof OutboundRefused ? e.reason : 'network' });
    }
  }
  const all = parts.flatMap((p) => p.holdings);
  return { parts, unavailable, totals: { balanceCents: all.reduce((s, h) => s + h.balanceCents, 0), buildings: all.length } };
}
