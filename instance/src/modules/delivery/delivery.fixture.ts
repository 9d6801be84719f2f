import { PDFDocument, StandardFonts } from 'pdf-lib';
import { createActor, createOrganization } from '../../../test/support/actors.ts';
import { clientFor, createBuilding, createPerson, type Client } from '../../../test/support/register.ts';
import type { TestApp } from '../../../test/support/test-app.ts';
import type { ActorCtx } from '../buildings/use-case.ts';
import { queueDelivery, type Attachment, type DeliveryRequest } from './delivery.service.ts';

/** Test support for the delivery int tests (not a test file; not used by the instance). */

/** A PDF of `pages` pages, each saying "<label> page n". */
export async function makePdf(label: string, pages: number): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= pages; i++) doc.addPage([595.28, 841.89]).drawText(`${label} page ${i}`, { x: 50, y: 700, size: 14, font });
  return Buffer.from(await doc.save());
}

export const pdfAttachment = async (name: string, pages: number): Promise<Attachment> =>
  ({ filename: name, contentType: 'application/pdf', content: await makePdf(name, pages) });

const address = { street: 'Rue Haute 5', postalCode: '1000', city: 'Bruxelles', country: 'BE' };
const consent = { givenOn: '2024-01-01', proof: 'Signed form, 2024-01-01' };

export interface DeliveryWorld {
  orgId: string; api: Client; buildingId: string; ctx: ActorCtx;
  /** Creates a person: `email` with consent (e-mail channel), or without (post). */
  person(kind: { email: string; consent: boolean; address?: boolean }): Promise<string>;
  queue(personId: string, over?: Partial<DeliveryRequest>): Promise<{ id: string; channel: 'email' | 'post' }>;
  waitFor(id: string, until: (d: any) => boolean, ms?: number): Promise<any>;
}

export async function deliveryWorld(t: TestApp): Promise<DeliveryWorld> {
  const org = await createOrganization(t.deps);
  const admin = await createActor(t.deps, { organizationId: org.id, grants: [{ role: 'admin' }] });
  const api = clientFor(t, org.id, admin.headers);
  const building = await createBuilding(api);
  const ctx: ActorCtx = { organizationId: org.id, actorUserId: admin.userId, requestId: null };
  return {
    orgId: org.id, api, buildingId: building.id, ctx,
    async person(k) {
      const p = await createPerson(api, { lastName: `P-${k.email.split('@')[0]}`, email: k.email,
        ...(k.consent ? { emailConsent: consent } : {}), ...(k.address === false ? {} : { address }) });
      return p.id;
    },
    async queue(personId, over = {}) {
      return t.deps.sql.begin((tx) => queueDelivery(tx, t.deps, {
        organizationId: org.id, buildingId: building.id, personId, purpose: 'notice', subject: 'Avis aux copropriétaires',
        text: 'Bonjour,\nVeuillez trouver le document en annexe.', attachments: [], related: { type: 'test', id: personId }, ...over,
      }, ctx));
    },
    async waitFor(id, until, ms = 15_000) {
      const end = Date.now() + ms;
      for (;;) {
        const d = (await api.get(`/deliveries/${id}`)).json();
        if (until(d)) return d;
        if (Date.now() > end) throw new Error(`delivery ${id} still ${JSON.stringify(d)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
  };
}
