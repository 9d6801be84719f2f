import { describe, expect, it } from 'vitest';
import { validateBuilding } from '../buildings/buildings.domain.ts';
import { isComplete, toNewHoldings } from '../holdings/holdings.domain.ts';
import { validatePerson } from '../persons/persons.domain.ts';
import { DEMO_BUILDINGS, DEMO_PERSONS, parseHolder } from './demo-data.ts';

describe('demo data', () => {
  it('has lots whose shares add up exactly to each building total', () => {
    for (const { building, lots } of DEMO_BUILDINGS) {
      expect(lots.reduce((n, l) => n + l.shares, 0)).toBe(building.totalShares);
      expect(new Set(lots.map((l) => l.number)).size).toBe(lots.length);
      expect(() => validateBuilding(building)).not.toThrow();
    }
    expect(DEMO_BUILDINGS.map((b) => b.building.totalShares)).toEqual([1000, 10_000]);
  });

  it('has valid persons and complete holder sets referring to them', () => {
    for (const p of Object.values(DEMO_PERSONS)) expect(() => validatePerson(p, '2024-01-01')).not.toThrow();
    for (const { lots } of DEMO_BUILDINGS) {
      for (const set of lots.flatMap((l) => [l.holders, ...(l.transfer ? [l.transfer.holders] : [])])) {
        const parsed = set.map(parseHolder);
        for (const h of parsed) expect(DEMO_PERSONS[h.key], h.key).toBeDefined();
        const holdings = toNewHoldings(parsed.map((h) => ({ personId: h.key, right: h.right, part: { numerator: h.numerator, denominator: h.denominator } })));
        expect(isComplete(holdings)).toBe(true);
      }
    }
  });
});
