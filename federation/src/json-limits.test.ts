import { describe, expect, it } from 'vitest';
import { parseBoundedJson } from './json-limits.ts';

describe('parseBoundedJson', () => {
  it('accepts depth 16, refuses 17, long arrays and broken JSON', () => {
    const nest = (d: number) => '['.repeat(d) + ']'.repeat(d);
    expect(parseBoundedJson(Buffer.from(nest(16)))).toMatchObject({ ok: true });
    expect(parseBoundedJson(Buffer.from(nest(17)))).toEqual({ ok: false, reason: 'json_too_deep' });
    expect(parseBoundedJson(Buffer.from(JSON.stringify({ a: Array(1001).fill(0) })))).toEqual({ ok: false, reason: 'json_array_too_long' });
    expect(parseBoundedJson(Buffer.from('{'))).toEqual({ ok: false, reason: 'invalid_json' });
  });
});
