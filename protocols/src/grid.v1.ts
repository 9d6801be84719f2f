import { z } from 'zod';
import { DateTimeSchema, IdSchema, LanguageSchema } from './common.v1.ts';

/**
 * Wire contract of the edge grid (v1, grid-design.md §3, §4, §6, §8): enrolment over HTTPS, the hello
 * and capability ad over `/koprogo/grid/hello/1.0.0`, the `draft_generate` MCP tool over
 * `/koprogo/mcp/1.0.0`, and signed receipts. zod only: hashing and signing live with the callers, this
 * module defines the exact bytes they hash and sign.
 *
 * Conventions: signatures are Ed25519 over UTF-8 `prefix + canonicalJson(payload)`, encoded base64url
 * without padding; hashes are SHA-256, lower-case hex; times are ISO 8601 UTC strings with milliseconds
 * (`Date.prototype.toISOString`); optional fields are omitted, never `null`, in signed payloads.
 */

// ── Protocol ids, limits, signing prefixes ──────────────────────────────────
export const GRID_HELLO_PROTOCOL = '/koprogo/grid/hello/1.0.0';
export const GRID_MCP_PROTOCOL = '/koprogo/mcp/1.0.0';
/** Largest frame (one JSON-RPC message, or one hello message) either side accepts. */
export const GRID_MAX_FRAME_BYTES = 256 * 1024;
/** A node re-sends its ad this often (and on change); an ad expires a little after two periods. */
export const GRID_AD_INTERVAL_MS = 60_000;
export const GRID_AD_TTL_MS = 150_000;

export const GRID_SIGNING_PREFIX = {
  enrol: 'koprogo-enrol-v1\n',
  capability: 'koprogo-cap-v1\n',
  receipt: 'koprogo-receipt-v1\n',
  countersignature: 'koprogo-receipt-cs-v1\n',
} as const;
export type GridSigningPurpose = keyof typeof GRID_SIGNING_PREFIX;

/**
 * RFC 8785 (JCS) canonical JSON for the values our payloads carry: objects with keys sorted by UTF-16
 * code units, no whitespace, ECMAScript number and string serialisation (what JSON.stringify does for
 * finite numbers and well-formed strings). `undefined` object members are omitted, as in JSON.
 * Throws on non-finite numbers, bigints, functions, symbols and lone surrogates, which JCS cannot carry.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
      return JSON.stringify(value);
    case 'string':
      if (!value.isWellFormed()) throw new TypeError('canonicalJson: lone surrogate in string');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
      return `{${keys.map((k) => `${canonicalJson(k)}:${canonicalJson(record[k])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: cannot encode a ${typeof value}`);
  }
}

/** The exact string a node (or the instance, for countersignatures) signs, before UTF-8 encoding. */
export function gridSigningString(purpose: GridSigningPurpose, payload: unknown): string {
  return GRID_SIGNING_PREFIX[purpose] + canonicalJson(payload);
}

// ── Building blocks ──────────────────────────────────────────────────────────
/** A libp2p Ed25519 peer id (base58btc identity multihash: `12D3KooW…`, 52 characters). */
export const GridPeerIdSchema = z.string().regex(/^12D3KooW[1-9A-HJ-NP-Za-km-z]{44}$/, 'Expected an Ed25519 libp2p peer id (12D3KooW…)');
/** A 64-byte Ed25519 signature, base64url without padding (86 characters). */
export const GridSignatureSchema = z.string().regex(/^[A-Za-z0-9_-]{86}$/, 'Expected a base64url Ed25519 signature');
const Sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'Expected a lower-case hex SHA-256');
/** 32 random bytes, base64url without padding (43 characters). */
export const GridNonceSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'Expected 32 random bytes in base64url');
/** A multiaddr ending with the instance's peer id, e.g. `/dns4/grid.example/tcp/4001/p2p/12D3KooW…`. */
export const GridBootstrapAddrSchema = z.string().max(512).regex(/^\/.+\/p2p\/12D3KooW[1-9A-HJ-NP-Za-km-z]{44}$/, 'Expected a multiaddr ending with /p2p/<instance peer id>');
const SafeCount = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const Rate = z.number().finite().nonnegative().max(1e9);

// ── Enrolment (HTTPS: POST /api/v1/grid/enrol) ──────────────────────────────
/** Signed as `gridSigningString('enrol', claim)`. `ts` lets the instance refuse stale requests. */
export const GridEnrolmentClaimSchema = z.object({
  peerId: GridPeerIdSchema,
  /** The single-use enrolment token an admin created (15 min). */
  token: z.string().min(8).max(512),
  /** The instance account of the operator who will be credited; omitted when the token names it. */
  operatorAccountId: IdSchema.optional(),
  ts: DateTimeSchema,
});
export type GridEnrolmentClaim = z.infer<typeof GridEnrolmentClaimSchema>;
/** The request body: the claim's fields plus `signature` over the claim without it. */
export const GridEnrolmentRequestSchema = GridEnrolmentClaimSchema.extend({ signature: GridSignatureSchema });
export type GridEnrolmentRequest = z.infer<typeof GridEnrolmentRequestSchema>;
export const GridEnrolmentResponseSchema = z.object({
  peerId: GridPeerIdSchema,
  instancePeerId: GridPeerIdSchema,
  /** Where the node dials; its `/p2p/` part is `instancePeerId`, so Noise authenticates the instance. */
  bootstrapAddr: GridBootstrapAddrSchema,
  enrolledAt: DateTimeSchema,
});
export type GridEnrolmentResponse = z.infer<typeof GridEnrolmentResponseSchema>;

// ── Capability ad (hello protocol) ──────────────────────────────────────────
export const GridModelAdSchema = z.object({
  /** The operator's label, e.g. `qwen2.5-0.5b-instruct-q4_k_m`. */
  name: z.string().min(1).max(200),
  /** SHA-256 of the GGUF file as hashed by the node: what the instance matches against its registry. */
  sha256: Sha256HexSchema,
  /** GGUF file type, e.g. `Q4_K_M`, `F32`; `unknown` when the metadata does not say. */
  quantisation: z.string().min(1).max(40),
  contextSize: z.number().int().min(1).max(1_048_576),
  sizeBytes: SafeCount,
});
export type GridModelAd = z.infer<typeof GridModelAdSchema>;
export const GridBenchSchema = z.object({
  modelSha256: Sha256HexSchema,
  prefillTokPerSec: Rate,
  decodeTokPerSec: Rate,
  /** The thread count that measured fastest (section 11), the one generation uses. */
  threads: z.number().int().min(1).max(1024),
  measuredAt: DateTimeSchema,
});
export type GridBench = z.infer<typeof GridBenchSchema>;
export const GridPowerProfileSchema = z.object({
  idleMw: z.number().int().nonnegative().max(10_000_000),
  loadMw: z.number().int().nonnegative().max(10_000_000),
  source: z.enum(['meter', 'rapl', 'class-default']),
});
export const GridAvailabilitySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('always') }),
  z.object({ kind: z.literal('solar_surplus') }),
  z.object({
    kind: z.literal('schedule'),
    /** Local times of the node's `timeZone`; `days` 1 = Monday … 7 = Sunday (ISO 8601). */
    timeZone: z.string().min(1).max(64),
    windows: z.array(z.object({
      days: z.array(z.number().int().min(1).max(7)).min(1).max(7),
      from: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
      to: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/),
    })).min(1).max(28),
  }),
]);
/** Signed as `gridSigningString('capability', ad)`. */
export const GridCapabilityAdSchema = z.object({
  v: z.literal(1),
  peerId: GridPeerIdSchema,
  /** Strictly increasing per node (the node uses a millisecond timestamp, so restarts keep it increasing). */
  seq: SafeCount,
  issuedAt: DateTimeSchema,
  expiresAt: DateTimeSchema,
  software: z.object({ edgeNode: z.string().max(40), nodeLlamaCpp: z.string().max(40), node: z.string().max(40) }),
  models: z.array(GridModelAdSchema).max(32),
  hw: z.object({ arch: z.string().max(40), cores: z.number().int().min(1).max(4096), ramMb: z.number().int().nonnegative().max(1e9) }),
  bench: z.array(GridBenchSchema).max(32),
  power: GridPowerProfileSchema,
  maxConcurrent: z.number().int().min(1).max(64),
  availability: GridAvailabilitySchema,
});
export type GridCapabilityAd = z.infer<typeof GridCapabilityAdSchema>;
export const GridSignedCapabilityAdSchema = z.object({ ad: GridCapabilityAdSchema, signature: GridSignatureSchema });
export type GridSignedCapabilityAd = z.infer<typeof GridSignedCapabilityAdSchema>;

/**
 * `/koprogo/grid/hello/1.0.0`: the node opens the stream and writes ONE length-prefixed JSON frame
 * (a hello), the instance answers ONE frame (an ack) and both close. Sent after connecting (nothing is
 * dispatched before it) and again every GRID_AD_INTERVAL_MS with a new `seq`.
 */
export const GridHelloSchema = z.object({ type: z.literal('hello'), signedAd: GridSignedCapabilityAdSchema });
export type GridHello = z.infer<typeof GridHelloSchema>;
export const GridHelloAckSchema = z.object({
  type: z.literal('hello_ack'),
  accepted: z.boolean(),
  /** When not accepted: a stable code (`grid.ad_bad_signature`, `grid.ad_stale_seq`, `grid.ad_expired`, …). */
  code: z.string().max(100).optional(),
  message: z.string().max(500).optional(),
  /** Model hashes of the ad that the registry knows and enables (the node is schedulable for these). */
  acceptedModels: z.array(Sha256HexSchema).max(32).optional(),
  serverTime: DateTimeSchema,
  /** What the instance credits this node for the current period, when it tells (informational). */
  earnings: z.object({
    period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
    approvedJobs: SafeCount,
    units: SafeCount,
    /** Integer cents, once the period is closed; null while it is open. */
    cents: SafeCount.nullable(),
  }).optional(),
});
export type GridHelloAck = z.infer<typeof GridHelloAckSchema>;

// ── Privacy: placeholders (section 6) ───────────────────────────────────────
export const GRID_PLACEHOLDERS = [
  'OWNER_NAME', 'OWNER_ADDRESS', 'LOT', 'BUILDING', 'AMOUNT_DUE', 'DUE_DATE', 'DAYS_OVERDUE', 'IBAN',
  'PAYMENT_REF', 'AG_DATE', 'AG_TIME', 'AG_PLACE',
] as const;
export type GridPlaceholder = (typeof GRID_PLACEHOLDERS)[number] | `AGENDA_${number}`;
/** Any `{{…}}` token, well-formed or not; the capture is what sits between the braces. */
export const GRID_PLACEHOLDER_TOKEN = /\{\{([^{}]*)\}\}/g;
/** True for the names of section 6, `AGENDA_1` … `AGENDA_99` included. */
export function isGridPlaceholder(name: string): name is GridPlaceholder {
  return (GRID_PLACEHOLDERS as readonly string[]).includes(name) || /^AGENDA_[1-9]\d?$/.test(name);
}

// ── draft_generate (section 4.3) ─────────────────────────────────────────────
export const GRID_DRAFT_TOOL = 'draft_generate';
export const GRID_STATUS_TOOL = 'node_status';
export const GridDraftSchema = z.object({ subject: z.string().min(1).max(300), body: z.string().min(1).max(12_000) });
export type GridDraft = z.infer<typeof GridDraftSchema>;
/** The JSON Schema the node turns into a grammar (`llama.createGrammarForJsonSchema`). */
export const GRID_DRAFT_JSON_SCHEMA = {
  type: 'object',
  properties: {
    subject: { type: 'string', minLength: 1, maxLength: 300 },
    body: { type: 'string', minLength: 1, maxLength: 12_000 },
  },
  required: ['subject', 'body'],
  additionalProperties: false,
} as const;
const DocumentTypeSchema = z.enum(['reminder', 'convocation']);
/** Allow-listed, non-identifying context only (section 6). */
export const GridDraftContextSchema = z.object({
  documentType: DocumentTypeSchema,
  tone: z.enum(['neutral', 'friendly', 'firm']).optional(),
  reminderRank: z.number().int().min(1).max(10).optional(),
  templateVersion: z.string().min(1).max(40),
  /** Placeholder names (without braces) the draft must contain. */
  requiredPlaceholders: z.array(z.string().regex(/^[A-Z][A-Z0-9_]{0,39}$/)).max(120),
});
/**
 * Tool arguments (a zod shape, as `registerTool` takes). `promptSha256` in the receipt is the SHA-256
 * of `canonicalJson(arguments)` exactly as sent; the instance sends no other keys.
 */
export const GridDraftGenerateInputShape = {
  jobId: IdSchema,
  attempt: z.number().int().min(1).max(1000),
  nonce: GridNonceSchema,
  templateId: z.string().min(1).max(100),
  locale: LanguageSchema,
  context: GridDraftContextSchema,
  /** The complete prompt built by the instance from its template: placeholders only, no personal data. */
  prompt: z.string().min(1).max(32_000),
  /** Model to run, by GGUF SHA-256 (one the node advertised). */
  modelSha256: Sha256HexSchema,
  /** The JSON Schema of the output; `GRID_DRAFT_JSON_SCHEMA` in v1. */
  outputSchema: z.record(z.string(), z.unknown()),
  maxTokens: z.number().int().min(1).max(8192),
  seed: z.number().int().min(0).max(4_294_967_295),
  temperature: z.number().min(0).max(0.3),
  /** Soft deadline of the attempt in ms from the call; the node stops and answers `deadline` after it. */
  deadlineMs: z.number().int().min(100).max(3_600_000),
  /** Receipts name the instance they were made for. */
  instancePeerId: GridPeerIdSchema,
};
export const GridDraftGenerateInputSchema = z.object(GridDraftGenerateInputShape);
export type GridDraftGenerateInput = z.infer<typeof GridDraftGenerateInputSchema>;

/**
 * `stop`: the model ended the JSON (draft parsed); `maxTokens`: budget exhausted, JSON truncated, `draft`
 * null, not the node's fault (section 7.1); `deadline`: `deadlineMs` passed; `aborted`: cancelled.
 */
export const GridStopReasonSchema = z.enum(['stop', 'maxTokens', 'deadline', 'aborted']);
export type GridStopReason = z.infer<typeof GridStopReasonSchema>;

/**
 * Signed as `gridSigningString('receipt', receipt)`. `promptSha256` = SHA-256 of the UTF-8 of
 * `canonicalJson(tool arguments)`; `outputSha256` = SHA-256 of `canonicalJson(draft)` (`"null"` when
 * no draft). Token counts are re-tokenisation counts with the model's tokenizer, no special tokens:
 * `promptTokens` of `arguments.prompt`, `outputTokens` of `canonicalJson(draft)` (0 when no draft),
 * so the instance's vocab-only recount must give the same numbers.
 */
export const GridReceiptSchema = z.object({
  v: z.literal(1),
  jobId: IdSchema,
  attempt: z.number().int().min(1).max(1000),
  nonce: GridNonceSchema,
  peerId: GridPeerIdSchema,
  instancePeerId: GridPeerIdSchema,
  modelSha256: Sha256HexSchema,
  promptSha256: Sha256HexSchema,
  outputSha256: Sha256HexSchema,
  promptTokens: SafeCount,
  outputTokens: SafeCount,
  stopReason: GridStopReasonSchema,
  startedAt: DateTimeSchema,
  finishedAt: DateTimeSchema,
  /** Node-measured energy (declared), when the node has a meter or RAPL. */
  energyMilliWh: SafeCount.optional(),
});
export type GridReceipt = z.infer<typeof GridReceiptSchema>;
export const GridSignedReceiptSchema = z.object({ receipt: GridReceiptSchema, signature: GridSignatureSchema });
export type GridSignedReceipt = z.infer<typeof GridSignedReceiptSchema>;

export const GridDraftGenerateOutputShape = {
  draft: GridDraftSchema.nullable(),
  usage: z.object({ promptTokens: SafeCount, outputTokens: SafeCount, ms: SafeCount }),
  stopReason: GridStopReasonSchema,
  signedReceipt: GridSignedReceiptSchema,
};
export const GridDraftGenerateOutputSchema = z.object(GridDraftGenerateOutputShape);
export type GridDraftGenerateOutput = z.infer<typeof GridDraftGenerateOutputSchema>;

/** Progress notifications: `progress` = output tokens so far (every 16), `total` = maxTokens; ticks repeat it. */
export const GRID_PROGRESS_EVERY_TOKENS = 16;
export const GRID_LIVENESS_TICK_MS = 2_000;

// ── node_status ──────────────────────────────────────────────────────────────
export const GridNodeStatusInputShape = {};
export const GridNodeStatusOutputShape = {
  peerId: GridPeerIdSchema,
  busy: z.boolean(),
  activeJobs: SafeCount,
  maxConcurrent: z.number().int().min(1).max(64),
  loadedModelSha256: Sha256HexSchema.nullable(),
  uptimeSec: SafeCount,
  jobsCompleted: SafeCount,
  /** CPU temperature in °C and throttling, when the platform exposes them (a Pi does); else null. */
  temperatureC: z.number().finite().nullable(),
  throttled: z.boolean().nullable(),
};
export const GridNodeStatusSchema = z.object(GridNodeStatusOutputShape);
export type GridNodeStatus = z.infer<typeof GridNodeStatusSchema>;

// ── node_benchmark ───────────────────────────────────────────────────────────
/** Re-measures a model on the node (all cores and one fewer) and returns the faster; refused while busy. */
export const GRID_BENCHMARK_TOOL = 'node_benchmark';
export const GridNodeBenchmarkInputShape = { modelSha256: Sha256HexSchema };
export const GridNodeBenchmarkOutputShape = GridBenchSchema.shape;

// ── Countersignature (instance side, section 8) ─────────────────────────────
/** Signed by the instance's grid key as `gridSigningString('countersignature', value)`. */
export const GridReceiptCountersignatureSchema = z.object({
  /** SHA-256 of the UTF-8 of `gridSigningString('receipt', receipt)`. */
  receiptSha256: Sha256HexSchema,
  verdict: z.enum(['accepted', 'rejected']),
  recountedTokens: z.object({ promptTokens: SafeCount, outputTokens: SafeCount }),
  units: SafeCount,
  /** Hash of the previous chained receipt row; 64 zeros for the first. */
  prevHash: Sha256HexSchema,
});
export type GridReceiptCountersignature = z.infer<typeof GridReceiptCountersignatureSchema>;
