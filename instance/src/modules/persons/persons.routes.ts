import {
  errorResponses, PersonCreateSchema, PersonListQuerySchema, PersonPageSchema, PersonParamsSchema, PersonPatchSchema,
  PersonSchema, type PersonDto,
} from '@koprogo/protocols';
import { z } from 'zod';
import type { App } from '../../platform/http.ts';
import { buildingScope } from '../access/access.domain.ts';
import { requirePermission } from '../access/access.guard.ts';
import { actorOf, type RegisterDeps } from '../buildings/use-case.ts';
import { emailConsentActive, type Person } from './persons.domain.ts';
import * as service from './persons.service.ts';

const tags = ['register'];

export function toPersonDto(p: Person, today: string): PersonDto {
  return {
    ...p,
    emailConsent: p.emailConsent && { ...p.emailConsent, active: emailConsentActive(p.emailConsent, today) },
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

/** /persons: natural and legal persons of the organization, with their contact details (person.read). */
export async function personRoutes(app: App, deps: RegisterDeps): Promise<void> {
  const dto = (p: Person) => toPersonDto(p, deps.clock.today());

  app.get('/persons', {
    schema: {
      tags, summary: 'List persons (filters q on name/e-mail, kind; sort name, createdAt)',
      querystring: PersonListQuerySchema, response: { 200: PersonPageSchema, ...errorResponses },
    },
  }, async (req) => {
    requirePermission(req.auth, 'person.read');
    const page = await service.listPersons(deps, actorOf(req), { ...req.query, scope: buildingScope(req.auth, 'person.read') });
    return { ...page, items: page.items.map(dto) };
  });

  app.post('/persons', {
    schema: {
      tags, summary: 'Create a person (natural: lastName required; legal: companyName required)',
      body: PersonCreateSchema, response: { 201: PersonSchema, ...errorResponses },
    },
  }, async (req, reply) => {
    requirePermission(req.auth, 'person.write');
    return reply.status(201).send(dto(await service.createPerson(deps, actorOf(req), req.body)));
  });

  app.get('/persons/:personId', {
    schema: { tags, summary: 'Get a person', params: PersonParamsSchema, response: { 200: PersonSchema, ...errorResponses } },
  }, async (req) => {
    requirePermission(req.auth, 'person.read');
    return dto(await service.getPerson(deps, actorOf(req), req.params.personId, buildingScope(req.auth, 'person.read')));
  });

  app.patch('/persons/:personId', {
    schema: {
      tags, summary: 'Change a person (fields left out are unchanged; null clears)', params: PersonParamsSchema,
      body: PersonPatchSchema, response: { 200: PersonSchema, ...errorResponses },
    },
  }, async (req) => {
    requirePermission(req.auth, 'person.write');
    return dto(await service.updatePerson(deps, actorOf(req), req.params.personId, req.body, buildingScope(req.auth, 'person.write')));
  });

  app.delete('/persons/:personId', {
    schema: {
      tags, summary: 'Delete a person who never held a lot', params: PersonParamsSchema,
      response: { 204: z.null().describe('Deleted'), ...errorResponses },
    },
  }, async (req, reply) => {
    requirePermission(req.auth, 'person.write');
    await service.deletePerson(deps, actorOf(req), req.params.personId, buildingScope(req.auth, 'person.write'));
    return reply.status(204).send(null);
  });
}
