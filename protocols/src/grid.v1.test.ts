import { describe, expect, it } from 'vitest';
import { canonicalJson, GridDraftGenerateInputSchema, gridSigningString, isGridPlaceholder } from './grid.v1.ts';

describe('canonicalJson (RFC 8785 for our value types)', () => {
  it('sorts keys by UTF-16 code units at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' }, u: undefined })).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
    // RFC 8785 §3.2.3 example: sorting is by code units, so "\u20ac" (€) sorts before "\ud83d\ude00" but after "1".
    expect(canonicalJson({ '€': 1, '😀': 2, '1': 3, 'é': 4 })).toBe('{"1":3,"é":4,"€":1,"😀":2}');
  });

  it('serialises numbers and strings like ECMAScript (RFC 8785 §3.2.2)', () => {
    expect(canonicalJson([1e21, 1.5, -0, 0.000001, 1e-7, 333333333.33333329])).toBe('[1e+21,1.5,0,0.000001,1e-7,333333333.3333333]');
    expect(canonicalJson('a\u000f"\\\n€')).toBe('"a\\u000f\\"\\\\\\n€"');
  });

  it('refuses what JCS cannot carry', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(/non-finite/);
    expect(() => canonicalJson({ a: 10n })).toThrow(/bigint/);
    expect(() => canonicalJson('\ud800')).toThrow(/surrogate/);
  });

  it('prefixes the signing strings with their purpose', () => {
    expect(gridSigningString('receipt', { v: 1 })).toBe('koprogo-receipt-v1\n{"v":1}');
    expect(gridSigningString('countersignature', {})).toBe('koprogo-receipt-cs-v1\n{}');
    expect(gridSigningString('enrol', {})).toMatch(/^koprogo-enrol-v1\n/);
    expect(gridSigningString('capability', {})).toMatch(/^koprogo-cap-v1\n/);
  });
});

describe('grid schemas', () => {
  it('knows the placeholders of section 6, agenda items included', () => {
    expect(isGridPlaceholder('AMOUNT_DUE')).toBe(true);
    expect(isGridPlaceholder('AGENDA_12')).toBe(true);
    expect(isGridPlaceholder('AGENDA_0')).toBe(false);
    expect(isGridPlaceholder('OWNER_EMAIL')).toBe(false);
  });

  it('caps the temperature at 0.3 in draft_generate arguments', () => {
    const args = {
      jobId: '0b8e1a4e-4b8e-4a8e-9a8e-0b8e1a4e4b8e', attempt: 1, nonce: 'A'.repeat(43), templateId: 'reminder.gentle',
      locale: 'fr', context: { documentType: 'reminder', templateVersion: '1', requiredPlaceholders: ['AMOUNT_DUE'] },
      prompt: 'Écris un rappel.', modelSha256: 'a'.repeat(64), outputSchema: { type: 'object' }, maxTokens: 200, seed: 7,
      temperature: 0.2, deadlineMs: 60_000, instancePeerId: '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo',
    };
    expect(GridDraftGenerateInputSchema.safeParse(args).success).toBe(true);
    expect(GridDraftGenerateInputSchema.safeParse({ ...args, temperature: 0.31 }).success).toBe(false);
  });
});
