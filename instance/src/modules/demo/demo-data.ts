import type { BuildingInput } from '../buildings/buildings.domain.ts';
import type { Right } from '../holdings/holdings.domain.ts';
import type { LotFields } from '../lots/lots.domain.ts';
import type { PersonInput } from '../persons/persons.domain.ts';

/**
 * The demo organization's data: deterministic, realistic, fictitious. Persons are referred to by a key;
 * holdings list `key:part:right` (part `1/2`, right `full` when left out).
 */

export interface DemoLot extends LotFields {
  /** Holders from `since`; optionally a later sale. */
  since: string;
  holders: string[];
  transfer?: { date: string; holders: string[] };
}

export interface DemoBuilding { building: BuildingInput; lots: DemoLot[] }

const lot = (number: string, kind: LotFields['kind'], floor: number | null, shares: number, since: string, holders: string[],
  transfer?: DemoLot['transfer']): DemoLot => ({ number, kind, floor, shares, since, holders, ...(transfer ? { transfer } : {}) });

const contact = (email: string, phone: string, street: string, postalCode: string, city: string) =>
  ({ email, phone, address: { street, postalCode, city, country: 'BE' } });

export const DEMO_PERSONS: Record<string, PersonInput> = {
  dubois: { kind: 'natural', firstName: 'Sophie', lastName: 'Dubois', language: 'fr',
    ...contact('sophie.dubois@example.be', '+32 470 12 34 56', 'Rue Royale 120', '1000', 'Bruxelles'),
    emailConsent: { givenOn: '2022-03-01', proof: 'Formulaire signé remis au syndic le 1er mars 2022 (réf. CONV-2022-004)' } },
  lambertM: { kind: 'natural', firstName: 'Marc', lastName: 'Lambert', language: 'fr',
    ...contact('marc.lambert@example.be', '+32 475 22 33 44', 'Rue Royale 120', '1000', 'Bruxelles'),
    emailConsent: { givenOn: '2021-11-15', proof: 'Courriel d’acceptation du 15 novembre 2021' } },
  lambertI: { kind: 'natural', firstName: 'Isabelle', lastName: 'Lambert', language: 'fr',
    ...contact('isabelle.lambert@example.be', '+32 475 22 33 45', 'Rue Royale 120', '1000', 'Bruxelles') },
  martin: { kind: 'natural', firstName: 'Jean', lastName: 'Martin', language: 'fr',
    ...contact('jean.martin@example.be', '+32 2 512 00 01', 'Avenue de Tervueren 14', '1040', 'Etterbeek') },
  dupont: { kind: 'natural', firstName: 'Nathalie', lastName: 'Dupont', language: 'fr',
    ...contact('nathalie.dupont@example.be', '+32 478 90 12 34', 'Rue Royale 120', '1000', 'Bruxelles') },
  mertens: { kind: 'natural', firstName: 'Olivier', lastName: 'Mertens', language: 'fr', email: 'olivier.mertens@example.be' },
  lefevreE: { kind: 'natural', firstName: 'Élise', lastName: 'Lefèvre', language: 'fr', email: 'elise.lefevre@example.be',
    emailConsent: { givenOn: '2023-02-10', proof: 'Formulaire signé (réf. CONV-2023-011)' } },
  lefevreT: { kind: 'natural', firstName: 'Thomas', lastName: 'Lefèvre', language: 'fr' },
  lefevreC: { kind: 'natural', firstName: 'Camille', lastName: 'Lefèvre', language: 'fr', phone: '+32 491 55 66 77' },
  schmitz: { kind: 'natural', firstName: 'Lukas', lastName: 'Schmitz', language: 'de',
    ...contact('lukas.schmitz@example.be', '+32 87 55 44 33', 'Kirchstraße 7', '4700', 'Eupen') },
  renardM: { kind: 'natural', firstName: 'Monique', lastName: 'Renard', language: 'fr',
    ...contact('monique.renard@example.be', '+32 2 640 11 22', 'Rue Royale 120', '1000', 'Bruxelles') },
  renardJ: { kind: 'natural', firstName: 'Julien', lastName: 'Renard', language: 'fr', email: 'julien.renard@example.be' },
  renardC: { kind: 'natural', firstName: 'Claire', lastName: 'Renard', language: 'en', email: 'claire.renard@example.com' },
  brasserie: { kind: 'legal', companyName: 'Brasserie du Parc SRL', enterpriseNumber: '0456.789.034', language: 'fr',
    ...contact('gerance@brasserie-du-parc.example.be', '+32 2 511 22 33', 'Rue Royale 120', '1000', 'Bruxelles') },
  peeters: { kind: 'natural', firstName: 'Jan', lastName: 'Peeters', language: 'nl',
    ...contact('jan.peeters@example.be', '+32 9 223 45 67', 'Coupure Links 120', '9000', 'Gent'),
    emailConsent: { givenOn: '2023-04-20', proof: 'Ondertekend formulier, algemene vergadering 20 april 2023' } },
  janssens: { kind: 'natural', firstName: 'An', lastName: 'Janssens', language: 'nl', email: 'an.janssens@example.be',
    emailConsent: { givenOn: '2022-09-05', proof: 'E-mail van 5 september 2022' } },
  maes: { kind: 'natural', firstName: 'Pieter', lastName: 'Maes', language: 'nl', email: 'pieter.maes@example.be' },
  desmet: { kind: 'natural', firstName: 'Lotte', lastName: 'De Smet', language: 'nl',
    ...contact('lotte.desmet@example.be', '+32 486 11 22 33', 'Coupure Links 120', '9000', 'Gent') },
  claes: { kind: 'natural', firstName: 'Wouter', lastName: 'Claes', language: 'nl', email: 'wouter.claes@example.be',
    emailConsent: { givenOn: '2021-05-01', proof: 'Ondertekend formulier (ref. VME-2021-07)', revokedOn: '2023-09-30' } },
  willems: { kind: 'natural', firstName: 'Els', lastName: 'Willems', language: 'nl', phone: '+32 9 233 44 55' },
  jacobs: { kind: 'natural', firstName: 'Koen', lastName: 'Jacobs', language: 'nl', email: 'koen.jacobs@example.be' },
  goossens: { kind: 'natural', firstName: 'Sarah', lastName: 'Goossens', language: 'en', email: 'sarah.goossens@example.com' },
  wouters: { kind: 'natural', firstName: 'Tom', lastName: 'Wouters', language: 'nl' },
  vandamme: { kind: 'legal', companyName: 'Bakkerij Van Damme BV', enterpriseNumber: 'BE0123456749', language: 'nl',
    ...contact('info@bakkerij-vandamme.example.be', '+32 9 225 66 77', 'Coupure Links 120', '9000', 'Gent') },
};

const renard = ['renardM:1/1:usufruct', 'renardJ:1/2:bare', 'renardC:1/2:bare'];
const lefevre = ['lefevreE:1/3', 'lefevreT:1/3', 'lefevreC:1/3'];

export const DEMO_BUILDINGS: DemoBuilding[] = [
  {
    building: {
      name: 'Résidence Les Tilleuls', address: { street: 'Rue Royale 120', postalCode: '1000', city: 'Bruxelles', country: 'BE' },
      enterpriseNumber: '0850.123.440', totalShares: 1000, fiscalYearStart: '01-01', language: 'fr',
    },
    lots: [ // 130 + 765 + 75 + 30 = 1000
      lot('REZ', 'commercial', 0, 130, '2016-03-01', ['brasserie']),
      lot('A1.1', 'apartment', 1, 110, '2010-09-01', ['lambertM:1/2', 'lambertI:1/2']),
      lot('A1.2', 'apartment', 1, 95, '2014-05-20', ['dubois']),
      lot('A2.1', 'apartment', 2, 110, '2012-02-01', ['martin'], { date: '2021-06-15', holders: ['dupont'] }),
      lot('A2.2', 'apartment', 2, 95, '2018-11-01', ['mertens']),
      lot('A3.1', 'apartment', 3, 110, '2019-04-12', lefevre),
      lot('A3.2', 'apartment', 3, 95, '2020-01-15', ['schmitz']),
      lot('A4', 'apartment', 4, 150, '2017-10-02', renard),
      lot('P01', 'parking', -1, 25, '2014-05-20', ['dubois']),
      lot('P02', 'parking', -1, 25, '2010-09-01', ['lambertM:1/2', 'lambertI:1/2']),
      lot('P03', 'parking', -1, 25, '2016-03-01', ['brasserie']),
      lot('C01', 'cellar', -1, 10, '2014-05-20', ['dubois']),
      lot('C02', 'cellar', -1, 10, '2012-02-01', ['martin'], { date: '2021-06-15', holders: ['dupont'] }),
      lot('C03', 'cellar', -1, 10, '2018-11-01', ['mertens']),
    ],
  },
  {
    building: {
      name: 'Residentie De Leie', address: { street: 'Coupure Links 120', postalCode: '9000', city: 'Gent', country: 'BE' },
      enterpriseNumber: 'BE 0867.654.310', totalShares: 10_000, fiscalYearStart: '07-01', language: 'nl',
    },
    lots: [ // 1250 + 6250 + 900 + 900 + 700 = 10000
      lot('0.1', 'commercial', 0, 1250, '2015-01-01', ['vandamme']),
      lot('1.1', 'apartment', 1, 900, '2015-06-30', ['janssens:1/2', 'maes:1/2']),
      lot('1.2', 'apartment', 1, 800, '2015-03-15', ['peeters']),
      lot('2.1', 'apartment', 2, 900, '2016-08-01', ['desmet']),
      lot('2.2', 'apartment', 2, 800, '2017-02-14', ['claes']),
      lot('3.1', 'apartment', 3, 900, '2015-09-01', ['willems']),
      lot('3.2', 'apartment', 3, 800, '2019-12-01', ['jacobs']),
      lot('4.1', 'apartment', 4, 1150, '2021-03-01', ['goossens']),
      lot('G1', 'garage', -1, 450, '2015-03-15', ['peeters']),
      lot('G2', 'garage', -1, 450, '2019-12-01', ['jacobs']),
      lot('P1', 'parking', null, 300, '2015-06-30', ['janssens:1/2', 'maes:1/2']),
      lot('P2', 'parking', null, 300, '2018-05-01', ['wouters']),
      lot('P3', 'parking', null, 300, '2015-09-01', ['willems']),
      lot('K1', 'cellar', -1, 175, '2015-03-15', ['peeters']),
      lot('K2', 'cellar', -1, 175, '2016-08-01', ['desmet']),
      lot('K3', 'cellar', -1, 175, '2017-02-14', ['claes']),
      lot('K4', 'cellar', -1, 175, '2021-03-01', ['goossens']),
    ],
  },
];

/** `key:n/d:right` → its parts (defaults: 1/1, full). */
export function parseHolder(spec: string): { key: string; numerator: number; denominator: number; right: Right } {
  const [key, part = '1/1', right = 'full'] = spec.split(':');
  const [n, d] = part.split('/').map(Number);
  return { key: key!, numerator: n!, denominator: d!, right: right as Right };
}
