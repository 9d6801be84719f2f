import { z } from 'zod';

/**
 * Federation between instances (profile copro-fed/1): AS2-compatible activities exchanged between
 * allow-listed instances, the public instance document, and the administrators' API. Strict
 * objects, bounded strings: anything else is refused before it reaches a handler.
 */

export const FED_CONTEXT = ['https://www.w3.org/ns/activitystreams', 'https://koprogo.org/ns/copro/v1'] as const;

/** http(s) URL, bounded. http is only ever accepted from peers when the operator allows private addresses. */
export const FedUrl = z.string().max(500).regex(/^https?:\/\/[^\s]+$/, 'an http(s) URL');
const Instant = z.iso.datetime({ offset: true });
const Label = z.string().min(1).max(64).regex(/^[a-z][a-z0-9_-]*$/);
const RawEd25519 = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'an Ed25519 public key, 32 bytes in base64url');
const Signature64 = z.string().regex(/^[A-Za-z0-9_-]{86}$/, 'an Ed25519 signature, 64 bytes in base64url');

const envelope = {
  '@context': z.tuple([z.literal(FED_CONTEXT[0]), z.literal(FED_CONTEXT[1])]),
  id: FedUrl,
  actor: FedUrl,
  published: Instant,
  expires: Instant.optional(),
  to: z.array(FedUrl).max(100).optional(),
};

/** Monthly statistics of an instance, counts below 10 suppressed (null). */
export const StatsBulletinObject = z.strictObject({
  type: z.literal('copro:StatsBulletin'),
  id: FedUrl,
  period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
  buildings: z.number().int().min(10).max(10_000_000).nullable(),
  lots: z.number().int().min(10).max(100_000_000).nullable(),
  owners: z.number().int().min(10).max(100_000_000).nullable(),
  softwareVersion: z.string().min(1).max(50),
});

export const CreateStatsBulletin = z.strictObject({ ...envelope, type: z.literal('Create'), object: StatsBulletinObject });

/** Key rotation: the new key, with a continuity proof signed by the previous key and by the new key. */
export const KeyAddedObject = z.strictObject({
  type: z.literal('Service'),
  id: FedUrl,
  'copro:keyAdded': z.strictObject({
    id: FedUrl,
    publicKey: RawEd25519,
    validFrom: Instant,
    signingFrom: Instant,
    continuity: z.strictObject({ previousKeyId: FedUrl, byPrevious: Signature64, byNew: Signature64 }),
  }),
});
export const UpdateServiceKeyAdded = z.strictObject({ ...envelope, type: z.literal('Update'), object: KeyAddedObject });

/** Revocation of one of the sender's keys, signed by another valid key of the sender: effective at once. */
export const KeyRevokedObject = z.strictObject({
  type: z.literal('Service'),
  id: FedUrl,
  'copro:keyRevoked': z.strictObject({ id: FedUrl, revoked: Instant, reason: Label }),
});
export const UpdateServiceKeyRevoked = z.strictObject({ ...envelope, type: z.literal('Update'), object: KeyRevokedObject });

/** Local defederation notice: the sender no longer federates with `object` (a peer's actor). */
export const BlockService = z.strictObject({ ...envelope, type: z.literal('Block'), object: FedUrl, 'copro:reasons': z.array(Label).max(10) });

/** Row and byte counts of a building bundle, per part (what the receiver must find after import). */
const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
export const TransferCounts = z.record(z.string().regex(/^[a-z_]{1,40}$/), z.number().int().min(0).max(100_000_000));

/**
 * Move of a building's whole file (design §8.2), step 1: the source offers the bundle. The manifest
 * digest is what binds the bundle (fetched later by signed GET from `bundleUrl`) to this signed offer.
 */
export const BuildingTransferObject = z.strictObject({
  type: z.literal('copro:BuildingTransfer'),
  id: FedUrl,
  building: z.strictObject({ id: z.uuid(), name: z.string().min(1).max(200), enterpriseNumber: z.string().max(20).nullable() }),
  manifestSha256: Sha256Hex,
  bundleUrl: FedUrl,
  bundleBytes: z.number().int().min(0).max(200 * 1024 * 1024),
  counts: TransferCounts,
});
export const OfferBuildingTransfer = z.strictObject({ ...envelope, type: z.literal('Offer'), object: BuildingTransferObject, target: FedUrl });

/** Step 4 (receipt): the receiver imported the bundle whose manifest hashes to `manifestSha256`; the building now lives at `movedTo`. */
export const AcceptBuildingTransfer = z.strictObject({
  ...envelope, type: z.literal('Accept'), object: FedUrl,
  'copro:receipt': z.strictObject({ manifestSha256: Sha256Hex, movedTo: FedUrl, counts: TransferCounts }),
});

/**
 * Owners across instances (design §8.3, simplified): the home instance asks, for one of its users,
 * to follow that owner's feed on a building instance (`email` names the owner's account there); the
 * owner accepts there (consent on both sides); either side ends it with Undo.
 */
const FedEmail = z.string().min(3).max(254).regex(/^[^\s@]+@[^\s@]+$/);
export const OwnerFeedRef = z.strictObject({ type: z.literal('copro:OwnerFeed'), id: FedUrl });
export const FollowOwnerFeed = z.strictObject({ ...envelope, type: z.literal('Follow'),
  object: z.strictObject({ type: z.literal('copro:OwnerFeed'), id: FedUrl, email: FedEmail }), target: FedUrl });
export const AcceptOwnerFeed = z.strictObject({ ...envelope, type: z.literal('Accept'), object: OwnerFeedRef, 'copro:feedUrl': FedUrl });
export const UndoOwnerFeed = z.strictObject({ ...envelope, type: z.literal('Undo'), object: OwnerFeedRef });

/** Head of an instance's revenue-share ledger (design §8.4): size and latest entry hash, for consistency checks by every peer. */
export const LedgerHeadObject = z.strictObject({
  type: z.literal('copro:LedgerHead'), id: FedUrl, ledger: FedUrl,
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), headHash: Sha256Hex,
  lastPeriod: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/).nullable(),
});
export const UpdateLedgerHead = z.strictObject({ ...envelope, type: z.literal('Update'), object: LedgerHeadObject });

export const FedActivity = z.union([CreateStatsBulletin, UpdateServiceKeyAdded, UpdateServiceKeyRevoked, BlockService,
  OfferBuildingTransfer, AcceptBuildingTransfer, FollowOwnerFeed, AcceptOwnerFeed, UndoOwnerFeed, UpdateLedgerHead]);
export type FedActivityDto = z.infer<typeof FedActivity>;

/** The public instance document served at /.well-known/koprogo-federation (and /fed/actor). */
export const InstanceKey = z.strictObject({
  id: FedUrl,
  type: z.literal('Multikey'),
  controller: FedUrl,
  publicKeyMultibase: z.string().max(100),
  publicKeyJwk: z.strictObject({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: RawEd25519, kid: FedUrl, alg: z.literal('EdDSA'), use: z.literal('sig') }),
  fingerprint: z.string().max(100),
  validFrom: Instant,
  signingFrom: Instant,
  expires: Instant.nullable(),
  revoked: Instant.nullable(),
});
export const InstanceDocument = z.strictObject({
  '@context': z.tuple([z.literal(FED_CONTEXT[0]), z.literal(FED_CONTEXT[1])]),
  id: FedUrl,
  type: z.literal('Service'),
  name: z.string().max(200),
  country: z.string().regex(/^[A-Z]{2}$/),
  cooperative: z.string().max(200),
  inbox: FedUrl,
  assertionMethod: z.array(InstanceKey).max(20),
  software: z.strictObject({ name: z.literal('koprogo'), version: z.string().max(50) }),
  protocol: z.literal('copro-fed/1'),
  supportedActivities: z.array(z.string().max(60)).max(50),
});
export type InstanceDocumentDto = z.infer<typeof InstanceDocument>;

// ---- Administrators' API (/api/v1/federation/…) ----

export const FedPeerStatus = z.enum(['allowed', 'blocked']);
export const AddPeerBody = z.strictObject({
  /** The peer's base URL (https://be.example); its instance document is fetched from there. */
  url: FedUrl,
  /** Fingerprint of the peer's current key, compared out of band (`SHA256:…`). */
  fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9_-]{43}$/, 'a key fingerprint SHA256:… as printed by the peer'),
});
export const BlockPeerBody = z.strictObject({ reasons: z.array(Label).min(1).max(10) });
export const PeerKeyView = z.object({
  keyId: z.string(), fingerprint: z.string(), learned: z.string(), state: z.string(),
  validFrom: z.string().nullable(), expiresAt: z.string().nullable(), revokedAt: z.string().nullable(),
});
export const PeerView = z.object({
  id: z.uuid(), host: z.string(), baseUrl: z.string(), inboxUrl: z.string(), name: z.string().nullable(), country: z.string().nullable(),
  status: FedPeerStatus, circuitState: z.string(), lastSuccessAt: z.string().nullable(), addedAt: z.string(),
  blockedAt: z.string().nullable(), keys: z.array(PeerKeyView),
  deliveries: z.object({ pending: z.number().int(), parked: z.number().int(), dead: z.number().int(), delivered: z.number().int() }),
});
export const PeerParams = z.object({ fedPeerId: z.uuid() });
export const PeerKeyParams = z.object({ peerId: z.uuid(), keyId: z.string().max(300) });
export const DeliveryParams = z.object({ deliveryId: z.uuid() });
export const OutboxQuery = z.object({ state: z.enum(['pending', 'in_flight', 'delivered', 'held', 'parked', 'dead', 'expired', 'suspended']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50) });
export const DeliveryView = z.object({
  id: z.uuid(), activityId: z.string(), activityType: z.string(), peerHost: z.string(), state: z.string(), attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(), lastStatus: z.number().int().nullable(), lastReason: z.string().nullable(),
  hasReceipt: z.boolean(), deliveredAt: z.string().nullable(), createdAt: z.string(),
});
export const RotateKeyBody = z.strictObject({
  /** Hours before the new key signs (default 24: peers learn it first). */
  overlapHours: z.number().int().min(0).max(24 * 30).default(24),
});
export const OwnKeyView = z.object({ keyId: z.string(), fingerprint: z.string(), validFrom: z.string(), signingFrom: z.string(),
  expiresAt: z.string().nullable(), revokedAt: z.string().nullable() });
export const RevokeOwnKeyBody = z.strictObject({ keyId: FedUrl, reason: Label.default('compromised') });
export const AlertView = z.object({ id: z.uuid(), kind: z.string(), peerHost: z.string().nullable(), details: z.record(z.string(), z.unknown()), createdAt: z.string() });
export const PublishStatsBody = z.strictObject({ period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/) });
export const StatsAggregateView = z.object({
  period: z.string(),
  instances: z.array(z.object({ host: z.string(), buildings: z.number().int().nullable(), lots: z.number().int().nullable(),
    owners: z.number().int().nullable(), softwareVersion: z.string(), publishedAt: z.string() })),
  /** Sums over the instances whose count is published (suppressed cells count as unknown, not zero). */
  totals: z.object({ buildings: z.number().int(), lots: z.number().int(), owners: z.number().int(), suppressedCells: z.number().int() }),
});

/** GET /fed/stats/{period}: this instance's own bulletin, public (anyone may aggregate them). */
export const PublicStatsBulletin = z.object({
  host: z.string(), period: z.string(), activityId: z.string(), buildings: z.number().int().nullable(), lots: z.number().int().nullable(),
  owners: z.number().int().nullable(), softwareVersion: z.string(), publishedAt: z.string(),
});
export const StatsPeriodParams = z.object({ period: PublishStatsBody.shape.period });

// ---- Moving a building (source: org administrator; receiver: instance administrator) ----

export const OfferMoveBody = z.strictObject({ fedPeerId: z.uuid() });
export const MoveView = z.object({
  transferId: z.uuid(), activityId: z.string(), buildingId: z.uuid(), peerHost: z.string(), state: z.enum(['offered', 'completed']),
  manifestSha256: z.string(), bundleBytes: z.number().int(), counts: TransferCounts, movedTo: z.string().nullable(),
  createdAt: z.string(), completedAt: z.string().nullable(),
});
export const IncomingTransferParams = z.object({ fedTransferId: z.uuid() });
export const AcceptTransferBody = z.strictObject({ organizationId: z.uuid() });
export const IncomingTransferView = z.object({
  id: z.uuid(), transferId: z.string(), peerHost: z.string(), buildingId: z.uuid(), buildingName: z.string(), manifestSha256: z.string(),
  bundleBytes: z.number().int(), counts: TransferCounts, state: z.enum(['offered', 'imported']), organizationId: z.uuid().nullable(),
  lastError: z.string().nullable(), offeredAt: z.string(), importedAt: z.string().nullable(),
});

// ---- Owner portfolio across instances (any signed-in user, for themselves) ----

export const RequestOwnerLinkBody = z.strictObject({ fedPeerId: z.uuid(), email: FedEmail });
export const OwnerLinkParams = z.object({ linkId: z.uuid() });
export const OwnerLinkView = z.object({
  id: z.uuid(), side: z.enum(['home', 'building']), peerHost: z.string(), remoteEmail: z.string(), state: z.enum(['requested', 'active', 'withdrawn']),
  createdAt: z.string(), acceptedAt: z.string().nullable(), withdrawnAt: z.string().nullable(),
});
/** One instance's part of an owner's portfolio: per building, the owner's balance and the coming general meetings. */
export const PortfolioHolding = z.object({
  organization: z.string(), buildingId: z.uuid(), building: z.string(), lots: z.array(z.string()),
  balanceCents: z.number().int(), upcomingMeetings: z.array(z.object({ id: z.uuid(), date: z.string(), kind: z.string(), status: z.string() })),
});
export const PortfolioPart = z.object({ instance: z.string(), asOf: z.string(), holdings: z.array(PortfolioHolding) });
export const PortfolioView = z.object({
  parts: z.array(PortfolioPart),
  /** Links whose instance could not be reached or refused (withdrawn there): never silently left out. */
  unavailable: z.array(z.object({ linkId: z.uuid(), peerHost: z.string(), reason: z.string() })),
  totals: z.object({ balanceCents: z.number().int(), buildings: z.number().int() }),
});

export const LedgerHeadView = z.object({ host: z.string(), size: z.number().int(), headHash: z.string(), lastPeriod: z.string().nullable(),
  activityId: z.string(), publishedAt: z.string(), receivedAt: z.string() });
