import { sha256Hex } from '@koprogo/federation';

/**
 * The building bundle (pure): every part is the canonical JSON of its rows (keys sorted, rows in
 * the source's order) with its SHA-256; the manifest lists the parts and is hashed the same way. The
 * manifest digest travels in the signed Offer, so one signature covers every byte of the bundle.
 */

/** JSON with object keys sorted at every level: the same value always gives the same bytes. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export const sha256 = (text: string) => sha256Hex(text);

/** The parts of a bundle, in import order (a part's foreign keys point only at earlier parts). */
export const BUNDLE_PARTS = [
  'buildings', 'persons', 'suppliers', 'lots', 'holdings', 'chart_accounts', 'fiscal_years', 'journal_sequences',
  'journal_entries', 'journal_lines', 'archived_documents',
  // General assemblies; the decisions register is read from agenda_items of closed meetings. Convocations stay
  // behind: each points at a delivery (not null), and deliveries are this instance's sending records.
  'assembly_settings', 'assembly_requests', 'meetings', 'agenda_items', 'agenda_requests', 'proxies', 'meeting_voters',
  'attendance', 'votes', 'minutes', 'written_procedures', 'written_answers',
] as const;
export type PartName = (typeof BUNDLE_PARTS)[number];

export interface ManifestPart { name: PartName; rows: number; bytes: number; sha256: string }
export interface Manifest { format: 'koprogo-building-bundle/1'; transferId: string; source: string; buildingId: string; parts: ManifestPart[] }
export interface Bundle { manifest: Manifest; parts: Record<string, string> }

export function buildBundle(head: Omit<Manifest, 'format' | 'parts'>, rows: Record<PartName, unknown[]>): { bytes: Buffer; manifestSha256: string; counts: Record<string, number> } {
  const parts: Record<string, string> = {};
  const listed: ManifestPart[] = BUNDLE_PARTS.map((name) => {
    const text = canonicalJson(rows[name]);
    parts[name] = text;
    return { name, rows: rows[name].length, bytes: Buffer.byteLength(text), sha256: sha256(text) };
  });
  const manifest: Manifest = { format: 'koprogo-building-bundle/1', ...head, parts: listed };
  const bundle: Bundle = { manifest, parts };
  return { bytes: Buffer.from(canonicalJson(bundle)), manifestSha256: sha256(canonicalJson(manifest)), counts: Object.fromEntries(listed.map((p) => [p.name, p.rows])) };
}

export type BundleCheck =
  | { ok: true; manifest: Manifest; rows: Record<PartName, Record<string, unknown>[]> }
  | { ok: false; reason: string };

/**
 * Verifies a received bundle against the manifest digest of the signed offer: the manifest, then
 * every part, byte for byte. Any difference refuses the whole bundle.
 */
export function verifyBundle(bytes: Buffer, expectedManifestSha256: string, transferId: string): BundleCheck {
  let bundle: Bundle;
  try { bundle = JSON.parse(bytes.toString('utf8')) as Bundle; } catch { return { ok: false, reason: 'bundle is not JSON' }; }
  if (!bundle || typeof bundle !== 'object' || !bundle.manifest || !bundle.parts) return { ok: false, reason: 'bundle shape' };
  if (sha256(canonicalJson(bundle.manifest)) !== expectedManifestSha256) return { ok: false, reason: 'manifest digest differs from the signed offer' };
  const m = bundle.manifest;
  if (m.format !== 'koprogo-building-bundle/1' || m.transferId !== transferId) return { ok: false, reason: 'manifest is for another transfer' };
  if (!Array.isArray(m.parts) || m.parts.map((p) => p.name).join() !== BUNDLE_PARTS.join()) return { ok: false, reason: 'manifest parts' };
  const rows = {} as Record<PartName, Record<string, unknown>[]>;
  for (const p of m.parts) {
    const text = bundle.parts[p.name];
    if (typeof text !== 'string' || sha256(text) !== p.sha256) return { ok: false, reason: `part ${p.name}: SHA-256 differs from the manifest` };
    const parsed = JSON.parse(text) as Record<string, unknown>[];
    if (!Array.isArray(parsed) || parsed.length !== p.rows) return { ok: false, reason: `part ${p.name}: row count differs` };
    rows[p.name] = parsed;
  }
  return { ok: true, manifest: m, rows };
}
