import { MAX_JSON_ARRAY, MAX_JSON_DEPTH } from './profile.ts';

/** Parses JSON from raw bytes, refusing nesting deeper than 16 and arrays longer than 1,000. */
export function parseBoundedJson(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch {
    return { ok: false, reason: 'invalid_json' };
  }
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > MAX_JSON_DEPTH) return { ok: false, reason: 'json_too_deep' };
    const children = Array.isArray(v) ? v : Object.values(v);
    if (Array.isArray(v) && v.length > MAX_JSON_ARRAY) return { ok: false, reason: 'json_array_too_long' };
    for (const c of children) stack.push([c, depth + 1]);
  }
  return { ok: true, value };
}
