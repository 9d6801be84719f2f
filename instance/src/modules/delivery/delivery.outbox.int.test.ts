import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { createActor } from '../../../test/support/actors.ts';
import { clientFor } from '../../../test/support/register.ts';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { deliveryWorld, pdfAttachment, type DeliveryWorld } from './delivery.fixture.ts';

/** SMTP_URL unset: e-mail goes to OUTBOX_DIR. Postal letters go to print batches. */

const outboxDir = mkdtempSync(join(tmpdir(), 'koprogo-outbox-'));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
let t: TestApp;
let w: DeliveryWorld;

beforeAll(async () => {
  t = await createTestApp({ withJobs: true, env: { OUTBOX_DIR: outboxDir } });
  w = await deliveryWorld(t);
});

describe('outbox mode', () => {
  it('writes the e-mail as an .eml file, the archived bytes, and lists it', async () => {
    const person = await w.person({ email: 'gina@example.test', consent: true });
    const q = await w.queue(person, { attachments: [await pdfAttachment('pv.pdf', 1)], purpose: 'minutes' });
    const d = await w.waitFor(q.id, (x) => x.status === 'sent');
    expect(d).toMatchObject({ transport: 'outbox', attempts: 1, providerMessageId: null });
    const file = readFileSync(join(outboxDir, `${q.id}.eml`));
    expect(sha(file)).toBe(d.messageSha256);
    const outbox = (await w.api.get('/outbox')).json();
    expect(outbox.items).toEqual([expect.objectContaining({ deliveryId: q.id, fileName: `${q.id}.eml`, present: true, sizeBytes: file.length })]);
  });
});

describe('print batches', () => {
  it('puts every queued letter of the building in one PDF, marks them printed and archives the PDF', async () => {
    const hugo = await w.person({ email: 'hugo@example.test', consent: false });
    const ines = await w.person({ email: 'ines@example.test', consent: false });
    const a = await w.queue(hugo, { purpose: 'reminder', attachments: [await pdfAttachment('rappel.pdf', 2)] });
    const txt = { filename: 'note.txt', contentType: 'text/plain', content: Buffer.from('not printable') };
    const b = await w.queue(ines, { attachments: [await pdfAttachment('avis.pdf', 1), txt] });
    expect([a.channel, b.channel]).toEqual(['post', 'post']);
    // A letter of another building stays out of this batch.
    const otherBuilding = (await w.api.post('/buildings', { name: 'Autre', address: { street: 'Rue X 1', postalCode: '4000', city: 'Liège' },
      totalShares: 100, language: 'fr' })).json().id;
    const c = await w.queue(hugo, { buildingId: otherBuilding });

    const res = await w.api.post(`/buildings/${w.buildingId}/print-batches`);
    expect(res.statusCode).toBe(201);
    const batch = res.json();
    // Pages: hugo's cover + 2 pages of rappel.pdf = 3; ines's cover + 1 page of avis.pdf = 2 (note.txt is only named); 3 + 2 = 5.
    expect(batch).toMatchObject({ letterCount: 2, pageCount: 5, deliveryIds: [a.id, b.id] });
    // The client's Res type keeps only the JSON side; the response is light-my-request's, with headers and raw bytes.
    const pdf = await w.api.get(`/buildings/${w.buildingId}/print-batches/${batch.id}/pdf`) as unknown as
      { statusCode: number; headers: Record<string, string>; rawPayload: Buffer };
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const bytes = pdf.rawPayload;
    expect(sha(bytes)).toBe(batch.sha256);
    expect((await PDFDocument.load(bytes)).getPageCount()).toBe(5);
    for (const id of [a.id, b.id]) expect((await w.api.get(`/deliveries/${id}`)).json()).toMatchObject({ status: 'printed', printBatchId: batch.id });
    expect((await w.api.get(`/deliveries/${c.id}`)).json().status).toBe('queued');
    const [doc] = await t.db.sql<{ content: Buffer; sha256: string }[]>`select content, sha256 from archived_documents where related_id = ${batch.id}`;
    expect(doc!.sha256).toBe(sha(doc!.content));
    expect(doc!.content.equals(bytes)).toBe(true);
    // Nothing left to print: 422; the archive refuses any change.
    const again = await w.api.post(`/buildings/${w.buildingId}/print-batches`);
    expect(again.statusCode).toBe(422);
    expect(again.json().error.code).toBe('print_batch.empty');
    await expect(t.db.sql`update archived_documents set filename = 'x.pdf' where related_id = ${batch.id}`)
      .rejects.toMatchObject({ message: 'archived_document.immutable' });
    await expect(t.db.sql`delete from archived_documents where related_id = ${batch.id}`)
      .rejects.toMatchObject({ message: 'archived_document.immutable' });
    const filtered = (await w.api.get(`/deliveries?status=printed&buildingId=${w.buildingId}`)).json();
    expect(filtered.total).toBe(2);
  });

  it('keeps tenants and roles apart', async () => {
    const other = await deliveryWorld(t);
    expect((await other.api.post(`/buildings/${w.buildingId}/print-batches`)).statusCode).toBe(404);
    expect((await other.api.get(`/buildings/${w.buildingId}/print-batches/6f1c0c8e-8f3a-4e0b-9a53-0d6d1c9b2a77/pdf`)).statusCode).toBe(404);
    expect((await other.api.get('/outbox')).json().items).toEqual([]);
    const owner = await createActor(t.deps, { organizationId: w.orgId, grants: [{ role: 'owner' }] });
    const ownerApi = clientFor(t, w.orgId, owner.headers);
    expect((await ownerApi.get('/deliveries')).statusCode).toBe(403);
    expect((await ownerApi.get('/outbox')).statusCode).toBe(403);
    expect((await w.api.post('/buildings/not-a-uuid/print-batches')).statusCode).toBe(400);
    expect((await w.api.get(`/buildings/${w.buildingId}/print-batches/6f1c0c8e-8f3a-4e0b-9a53-0d6d1c9b2a77`)).json().error.code)
      .toBe('print_batch.not_found');
  });
});
