import { describe, expect, it } from 'vitest';
import { BUNDLE_PARTS, buildBundle, canonicalJson, sha256, verifyBundle, type PartName } from './federation.move.domain.ts';

const rows = (): Record<PartName, unknown[]> => Object.fromEntries(BUNDLE_PARTS.map((p) => [p, []])) as unknown as Record<PartName, unknown[]>;

describe('building bundle', () => {
  it('writes canonical JSON: keys sorted at every level, the same bytes whatever the insertion order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: null }], c: 'é' } })).toBe('{"a":{"c":"é","d":[2,{"y":null,"z":1}]},"b":1}');
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });

  it('verifies a bundle against the manifest digest of the offer, part by part', () => {
    const r = rows();
    r.buildings = [{ id: 'b1', name: 'Résidence' }];
    r.lots = [{ id: 'l1', number: '001' }, { id: 'l2', number: '002' }];
    const b = buildBundle({ transferId: 't1', source: 'https://a.example/fed/actor', buildingId: 'b1' }, r);
    expect(b.counts).toMatchObject({ buildings: 1, lots: 2, journal_lines: 0 });
    const ok = verifyBundle(b.bytes, b.manifestSha256, 't1');
    expect(ok.ok && ok.rows.lots).toEqual(r.lots);
    expect(verifyBundle(b.bytes, b.manifestSha256, 't2')).toEqual({ ok: false, reason: 'manifest is for another transfer' });
    expect(verifyBundle(b.bytes, sha256('other'), 't1')).toMatchObject({ ok: false, reason: expect.stringContaining('manifest digest') });
    const tampered = Buffer.from(b.bytes.toString('utf8').replace('002', '003'));
    expect(verifyBundle(tampered, b.manifestSha256, 't1')).toEqual({ ok: false, reason: 'part lots: SHA-256 differs from the manifest' });
    expect(verifyBundle(Buffer.from('not json'), b.manifestSha256, 't1')).toEqual({ ok: false, reason: 'bundle is not JSON' });
  });
});
