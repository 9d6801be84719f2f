import { describe, expect, it } from 'vitest';
import { energyEstimateMilliWh } from './draft-generate.ts';

describe('energy estimate of a job', () => {
  it('is the declared load power times the busy time, in integer mWh', () => {
    expect(energyEstimateMilliWh(25_000, 60_000)).toBe(417); // 25 W for 1 min = 416.67 mWh
    expect(energyEstimateMilliWh(6_000, 3_600_000)).toBe(6_000); // a Pi 4 busy for an hour: 6 Wh
    expect(energyEstimateMilliWh(9_000, 0)).toBe(0);
    expect(energyEstimateMilliWh(9_000, -5)).toBe(0); // a clock step backwards never gives negative energy
  });
});
