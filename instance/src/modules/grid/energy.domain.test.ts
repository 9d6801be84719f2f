import { describe, expect, it } from 'vitest';
import { attemptEnergy } from './energy.domain.ts';
import { workUnits } from './credit.service.ts';

describe('attempt energy (grid-design §10)', () => {
  it('is integer mWh from the busy time and the declared load, rounded half up', () => {
    // 9,000 mW for 12 s = 30 mWh; marginal (9,000 − 3,000) mW → 20 mWh.
    expect(attemptEnergy(12_000, { loadMw: 9_000, idleMw: 3_000, source: 'class-default' })).toEqual({ totalMwh: 30, marginalMwh: 20 });
    // 25,000 mW for 1 ms = 0.00694… mWh → 0; 6,000 mW for 300 ms = 0.5 mWh → 1 (half up).
    expect(attemptEnergy(1, { loadMw: 25_000, idleMw: 8_000, source: 'meter' }).totalMwh).toBe(0);
    expect(attemptEnergy(300, { loadMw: 6_000, idleMw: 6_000, source: 'rapl' })).toEqual({ totalMwh: 1, marginalMwh: 0 });
    // A profile with idle above load never gives negative marginal energy.
    expect(attemptEnergy(3_600_000, { loadMw: 1_000, idleMw: 2_000, source: 'meter' })).toEqual({ totalMwh: 1_000, marginalMwh: 0 });
  });
});

describe('work units (grid-design §9)', () => {
  it('are ceil(2 × paramsMillions × tokens / 1000)', () => {
    expect(workUnits(494, 350, 200)).toBe(Math.ceil((2 * 494 * 550) / 1000)); // 544
    expect(workUnits(1, 0, 0)).toBe(0);
    expect(workUnits(1, 1, 0)).toBe(1);
    expect(workUnits(1_000_000, 8192, 8192)).toBe(32_768_000);
  });
});
