import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { GridDraftGenerateInput } from '@koprogo/protocols';
import { afterAll, describe, expect, it } from 'vitest';
import { addDays } from '../reminders/working-days.domain.ts';
import { gridTestInstance } from './grid-setup.fixture.ts';

/**
 * A convocation drafted end to end on the grid with real parts: PostgreSQL, pg-boss, the instance's
 * libp2p node on loopback, a scripted edge node speaking real Noise/Yamux/MCP, the stories260K
 * tokenizer for the recount. The meeting's place, agenda and link are PII canaries: no frame sent to
 * the node may hold them.
 */
const root = resolve(import.meta.dirname, '../../../../');
const modelPath = [resolve(root, '../shared/models/stories260K.gguf'), resolve(root, '../../shared/models/stories260K.gguf')].find(existsSync);
if (!modelPath && process.env.KOPROGO_REQUIRE_TEST_MODEL === '1') throw new Error('stories260K.gguf not found');

/** A node's French convocation: framing prose and exactly the placeholders it was asked for. */
const nodeConvocation = (args: GridDraftGenerateInput) => ({
  subject: 'Convocation à l\'assemblée générale du {{AG_DATE}}',
  body: 'Madame, Monsieur {{OWNER_NAME}},\n\nVous êtes invité à l\'assemblée générale des copropriétaires le {{AG_DATE}} à {{AG_TIME}}, au lieu suivant : {{AG_PLACE}}.\n\n'
    + `Ordre du jour :\n${args.context.requiredPlaceholders.filter((p) => p.startsWith('AGENDA_')).map((p) => `{{${p}}}`).join('\n')}\n\n`
    + 'Nous vous prions d\'agréer nos salutations distinguées.',
});

describe.skipIf(!modelPath)('convocation drafts on the grid (real libp2p, pg-boss, tokenizer)', async () => {
  const g = await gridTestInstance(modelPath!, {}, { modelRole: 'convocation' });
  afterAll(() => g.close());
  const { deps, inOrg, buildingId, enrolNode, status, draftOf } = g;
  const meetingDate = addDays(deps.clock.today(), 40);

  async function meeting(place: string, titles: string[]) {
    const m = await inOrg('POST', `/buildings/${buildingId}/meetings`, { kind: 'extraordinary', meetingDate, startTime: '19:45', place,
      remoteLink: 'https://meet.example.org/canary-room', documentsInfo: 'Chez Zorglub, sur rendez-vous' });
    if (m.statusCode !== 201) throw new Error(m.body);
    for (const title of titles) await inOrg('POST', `/buildings/${buildingId}/meetings/${m.json().id}/agenda-items`, { title });
    return m.json().id as string;
  }
  const ask = async (meetingId: string) => {
    const res = await inOrg('POST', `/buildings/${buildingId}/ai-drafts`, { documentType: 'convocation', meetingId, locale: 'fr' });
    if (res.statusCode !== 201) throw new Error(res.body);
    return res.json().id as string;
  };

  it('writes a convocation on a node with placeholders only; approval fills the meeting on the instance and credits the node', async () => {
    const node = await enrolNode({ draft: nodeConvocation });
    const meetingId = await meeting('Salle Canari 77, Bruxelles', ['Remplacement chaudière Zorglub', 'Budget Canaryname', 'Divers']);
    const id = await ask(meetingId);
    const [job] = await deps.sql<{ priority: number; name: string }[]>`select priority, name from pgboss.job where id = ${id}`;
    expect(job).toMatchObject({ name: 'grid-draft.convocation', priority: 10 }); // ahead of reminders (priority 0)
    const ready = await status(id, 'ready');
    expect(ready).toMatchObject({ source: 'grid', meetingId, flags: ['legal_mentions_added'] });
    expect(node.calls).toHaveLength(1);
    expect(node.calls[0]!.context).toMatchObject({ documentType: 'convocation', templateVersion: 'convocation-v1' });
    expect(node.calls[0]!.context.requiredPlaceholders).toEqual(expect.arrayContaining(['AG_DATE', 'AG_TIME', 'AG_PLACE', 'AGENDA_1', 'AGENDA_3']));
    expect(node.calls[0]!.context).not.toHaveProperty('reminderRank');
    const [b] = await deps.sql<{ name: string }[]>`select name from buildings where id = ${buildingId}`;
    const frames = node.received.join('\n');
    expect(frames).toContain('{{AGENDA_3}}');
    for (const canary of ['Canari', 'Zorglub', 'Canaryname', 'chaudière', 'Divers', 'canary-room', meetingDate, meetingDate.split('-').reverse().join('/'),
      '19:45', b!.name]) {
      expect(frames, canary).not.toContain(canary);
    }
    const approved = (await inOrg('POST', `/buildings/${buildingId}/ai-drafts/${id}/approve`)).json();
    expect(approved.status).toBe('approved');
    for (const v of ['1. Remplacement chaudière Zorglub', '3. Divers', 'Salle Canari 77, Bruxelles', '19:45', 'canary-room', 'Chez Zorglub, sur rendez-vous']) {
      expect(approved.final.body).toContain(v);
    }
    expect(approved.final.body).toContain('{{OWNER_NAME}}');
    const work = await deps.sql<{ peer_id: string }[]>`select peer_id from grid_work where job_id = ${id}`;
    expect(work.map((w) => w.peer_id)).toEqual([node.peerId]);
    await node.stop();
  });

  it('rejects a node\'s convocation that writes a time out instead of {{AG_TIME}}; the syndic can take the template meanwhile', async () => {
    const node = await enrolNode({ draft: (args) => { const d = nodeConvocation(args); return { ...d, body: d.body.replace('{{AG_TIME}}', '19h45') }; } });
    const meetingId = await meeting('Salle Canari 12', ['Comptes']);
    const id = await ask(meetingId);
    const failed = await waitForFault(id);
    expect(failed.lastFault).toBe('verify_number_outside_placeholder');
    expect(failed.status).not.toBe('ready');
    const [attempt] = await deps.sql<{ peer_id: string; node_fault: boolean }[]>`select peer_id, node_fault from grid_attempts where job_id = ${id}`;
    expect(attempt).toMatchObject({ peer_id: node.peerId, node_fault: true });
    const templ = (await inOrg('POST', `/buildings/${buildingId}/ai-drafts/${id}/use-template`)).json();
    expect(templ).toMatchObject({ status: 'ready', source: 'template' });
    const approved = (await inOrg('POST', `/buildings/${buildingId}/ai-drafts/${id}/approve`)).json();
    expect(approved.final.body).toContain('1. Comptes');
    expect(await deps.sql`select 1 from grid_work where job_id = ${id}`).toHaveLength(0); // the template earns no node anything
    await node.stop();
  });

  async function waitForFault(id: string) {
    for (const end = Date.now() + 15_000; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
      const d = await draftOf(id);
      if (d.lastFault) return d;
    }
    throw new Error('no fault recorded');
  }
});
