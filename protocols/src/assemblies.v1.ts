import { z } from 'zod';
import { DateSchema, DateTimeSchema, IdSchema, LanguageSchema } from './common.v1.ts';

/**
 * Wire DTOs of general assemblies (v1): settings, owners' requests, meetings and their agenda,
 * convocations, proxies, attendance, votes, results, minutes, the decisions register, written
 * procedures, and the messages of the live voting socket.
 * Votes are exact fractions of quote-parts: numerator and denominator as decimal strings (BigInt).
 */

export const ExactFractionSchema = z.object({ numerator: z.string(), denominator: z.string() });
export type ExactFractionDto = z.infer<typeof ExactFractionSchema>;

export const MeetingKindSchema = z.enum(['ordinary', 'extraordinary', 'second_session']);
export const MeetingStatusSchema = z.enum(['draft', 'convened', 'open', 'no_quorum', 'closed']);
export const MajoritySchema = z.enum(['absolute', 'twoThirds', 'fourFifths', 'unanimity']);
export const VoteChoiceSchema = z.enum(['for', 'against', 'abstention', 'blank', 'null']);
export const AttendanceModeSchema = z.enum(['present', 'remote', 'represented']);
/** Kinds of decision (C. civ. art. 3.88); each implies a majority (belgian-rules.md §2.2). */
export const DecisionTypeSchema = z.enum([
  'accounts_budget', 'syndic_appointment', 'commissaire', 'council_member', 'legally_required_works', 'conservatory_works',
  'routine_maintenance', 'legal_action', 'rules_of_procedure', 'other', 'statutes_common_parts_use', 'common_parts_works',
  'tender_threshold', 'private_parts_works', 'statutes_other', 'distribution_key', 'destination_change', 'reconstruction',
  'acquire_real_estate', 'dispose_real_estate', 'lots_division_merger', 'demolition', 'no_reserve_fund', 'quote_parts_change',
]);

const Time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Expected HH:MM (24 h, Belgian time)');
const Text = (max: number) => z.string().trim().min(1).max(max);

export const MeetingParamsSchema = z.object({ buildingId: IdSchema, meetingId: IdSchema });
export const AgendaItemParamsSchema = MeetingParamsSchema.extend({ itemId: IdSchema });
export const ProxyParamsSchema = MeetingParamsSchema.extend({ proxyId: IdSchema });
export const ConvocationParamsSchema = MeetingParamsSchema.extend({ personId: IdSchema });

// ── Settings ────────────────────────────────────────────────────────────────
export const AssemblySettingsSchema = z.object({
  buildingId: IdSchema,
  /** At least 15 (3.87 §3); the statutes or the ROI may require more. */
  convocationMinDays: z.number().int(),
  /** The person who is the syndic: never a proxy holder (3.87 §7). */
  syndicPersonId: IdSchema.nullable(),
});
export const AssemblySettingsPatchSchema = z.object({
  convocationMinDays: z.number().int().min(1).max(120).optional(),
  syndicPersonId: IdSchema.nullable().optional(),
});

// ── Owners' requests ────────────────────────────────────────────────────────
export const AssemblyRequestCreateSchema = z.object({
  requesterPersonIds: z.array(IdSchema).min(1).max(1000),
  subject: Text(500),
  /** Day the request reached the syndic (default: today); never in the future. */
  receivedOn: DateSchema.optional(),
});
export const AssemblyRequestSchema = z.object({
  id: IdSchema, buildingId: IdSchema, receivedOn: DateSchema, requesterPersonIds: z.array(IdSchema), subject: z.string(),
  requesterVotes: ExactFractionSchema, totalVotes: ExactFractionSchema, syndicDeadline: DateSchema,
  meetingId: IdSchema.nullable(),
  /** True once the deadline passed with no meeting convened for it: the requesters may convene. */
  requestersMayConvene: z.boolean(),
});
export const AssemblyRequestListSchema = z.object({ items: z.array(AssemblyRequestSchema) });

// ── Meetings and agenda ─────────────────────────────────────────────────────
export const MeetingCreateSchema = z.object({
  kind: MeetingKindSchema,
  /** Required for a second session: the meeting that failed for lack of quorum. */
  firstMeetingId: IdSchema.optional(),
  assemblyRequestId: IdSchema.optional(),
  /** 'requesters' only after the syndic let an owners' request lapse (3.87 §2). */
  convenedBy: z.enum(['syndic', 'requesters']).default('syndic'),
  meetingDate: DateSchema,
  startTime: Time,
  place: Text(500),
  /** Remote participation (3.87 §1): only if the convocation offers it. */
  remoteLink: z.url({ protocol: /^https$/ }).max(2000).optional(),
  windowStart: DateSchema.optional(),
  documentsInfo: Text(2000).optional(),
});
export const MeetingPatchSchema = z.object({
  meetingDate: DateSchema.optional(),
  startTime: Time.optional(),
  place: Text(500).optional(),
  remoteLink: z.url({ protocol: /^https$/ }).max(2000).nullable().optional(),
  windowStart: DateSchema.nullable().optional(),
  documentsInfo: Text(2000).nullable().optional(),
});
export const AgendaItemCreateSchema = z.object({
  title: Text(300),
  draftResolution: Text(10000).optional(),
  /** Omit for an item without a vote (information). */
  decisionType: DecisionTypeSchema.optional(),
  /** Persons whose own mission is voted on (3.87 §9). */
  excludedPersonIds: z.array(IdSchema).max(50).default([]),
});
export const TallySchema = z.object({
  majority: MajoritySchema,
  for: ExactFractionSchema, against: ExactFractionSchema, abstention: ExactFractionSchema, blank: ExactFractionSchema,
  null: ExactFractionSchema, cast: ExactFractionSchema, adopted: z.boolean(),
  ballots: z.number().int(),
  againstNames: z.array(z.string()), abstainedNames: z.array(z.string()),
  capped: z.array(z.object({ holderPersonId: IdSchema, carried: ExactFractionSchema, cap: ExactFractionSchema })),
});
export type TallyDto = z.infer<typeof TallySchema>;
export const AgendaItemSchema = z.object({
  id: IdSchema, position: z.number().int(), title: z.string(), draftResolution: z.string().nullable(),
  decisionType: DecisionTypeSchema.nullable(), majority: MajoritySchema.nullable(), excludedPersonIds: z.array(IdSchema),
  requestedByPersonId: IdSchema.nullable(), voteStatus: z.enum(['pending', 'open', 'closed']),
  voteOpenedAt: DateTimeSchema.nullable(), voteClosedAt: DateTimeSchema.nullable(), result: TallySchema.nullable(),
});
export type AgendaItemDto = z.infer<typeof AgendaItemSchema>;
export const QuorumSchema = z.object({
  reached: z.boolean(), path: z.enum(['owners_and_shares', 'shares_alone', 'second_session']).nullable(), reason: z.string(),
  ownersTotal: z.number().int(), ownersPresent: z.number().int(), sharesTotal: ExactFractionSchema, sharesPresent: ExactFractionSchema,
});
export const MeetingSchema = z.object({
  id: IdSchema, buildingId: IdSchema, kind: MeetingKindSchema, firstMeetingId: IdSchema.nullable(), assemblyRequestId: IdSchema.nullable(),
  convenedBy: z.enum(['syndic', 'requesters']), meetingDate: DateSchema, startTime: z.string(), place: z.string(),
  remoteLink: z.string().nullable(), windowStart: DateSchema.nullable(), documentsInfo: z.string().nullable(),
  status: MeetingStatusSchema, convenedOn: DateSchema.nullable(), openedAt: DateTimeSchema.nullable(), closedAt: DateTimeSchema.nullable(),
  quorum: QuorumSchema.nullable(), agenda: z.array(AgendaItemSchema),
  /** Last day to send the minutes (meeting + 30 days, 3.87 §12), once closed. */
  minutesDueOn: DateSchema.nullable(),
  createdAt: DateTimeSchema, updatedAt: DateTimeSchema,
});
export type MeetingDto = z.infer<typeof MeetingSchema>;
export const MeetingListSchema = z.object({ items: z.array(MeetingSchema.omit({ agenda: true })) });

export const AgendaRequestCreateSchema = z.object({
  meetingId: IdSchema, personId: IdSchema, title: Text(300), draftResolution: Text(10000).optional(), decisionType: DecisionTypeSchema.optional(),
  receivedOn: DateSchema.optional(),
});
export const AgendaRequestSchema = z.object({
  id: IdSchema, meetingId: IdSchema, personId: IdSchema, receivedOn: DateSchema, title: z.string(),
  /** 'added' to this meeting's agenda, or 'deferred' to the next assembly (21-day cut-off, 3.87 §2). */
  outcome: z.enum(['added', 'deferred']), agendaItemId: IdSchema.nullable(),
});
export const AgendaRequestListSchema = z.object({ items: z.array(AgendaRequestSchema) });

// ── Convocations ────────────────────────────────────────────────────────────
/**
 * Optional: approved AI convocation drafts of this meeting (at most one per language) whose text becomes
 * the e-mail body of the recipients in that language; the PDF (agenda, proxy form) is unchanged.
 */
export const ConvocationSendSchema = z.object({ aiDraftIds: z.array(IdSchema).min(1).max(4).optional() });
export const ConvocationResultSchema = z.object({
  meetingId: IdSchema, sentOn: DateSchema, days: z.number().int(), warnings: z.array(z.string()),
  recipients: z.array(z.object({ personId: IdSchema, language: LanguageSchema, channel: z.enum(['email', 'post']), deliveryId: IdSchema })),
});

// ── Proxies and attendance ──────────────────────────────────────────────────
export const ProxyCreateSchema = z.object({
  principalPersonId: IdSchema, holderPersonId: IdSchema, includesSecondSession: z.boolean().default(true),
});
export const ProxySchema = z.object({
  id: IdSchema, meetingId: IdSchema, principalPersonId: IdSchema, holderPersonId: IdSchema, includesSecondSession: z.boolean(),
  createdAt: DateTimeSchema, revokedAt: DateTimeSchema.nullable(),
});
export const ProxyListSchema = z.object({ items: z.array(ProxySchema) });
export const AttendanceCreateSchema = z.object({ personId: IdSchema, mode: AttendanceModeSchema });
export const AttendanceSchema = z.object({
  personId: IdSchema, personName: z.string(), mode: AttendanceModeSchema, holderPersonId: IdSchema, proxyId: IdSchema.nullable(),
  votes: ExactFractionSchema, signedInAt: DateTimeSchema,
});
export const AttendanceCreatedSchema = AttendanceSchema.extend({
  /** Shown once: lets whoever carries these votes vote over the live socket. */
  voterToken: z.string(),
});
export const AttendanceListSchema = z.object({ items: z.array(AttendanceSchema) });

// ── Votes ───────────────────────────────────────────────────────────────────
export const VoteCastSchema = z.object({
  personId: IdSchema, choice: VoteChoiceSchema,
  /** Makes a resent vote idempotent (a dropped connection resumes without doubling it). */
  clientVoteId: z.string().min(1).max(100).optional(),
});
export const VoteAckSchema = z.object({
  itemId: IdSchema, personId: IdSchema, choice: VoteChoiceSchema, clientVoteId: z.string().nullable(), replaced: z.boolean(),
});

// ── Minutes and decisions ───────────────────────────────────────────────────
export const MinutesSignSchema = z.object({
  /** Who signs: president, secretary, owners still present or their proxies (3.87 §10). */
  signatures: z.array(z.object({ name: Text(200), role: z.enum(['president', 'secretary', 'owner', 'proxy']) })).min(1).max(500),
});
export const MinutesSchema = z.object({
  meetingId: IdSchema, language: LanguageSchema, dueOn: DateSchema,
  signatures: z.array(z.object({ name: z.string(), role: z.string(), signedAt: DateTimeSchema })),
  sentOn: DateSchema.nullable(), documentId: IdSchema.nullable(), sha256: z.string().nullable(), recipients: z.number().int(),
});
export const DecisionQuerySchema = z.object({ q: z.string().max(200).optional(), adopted: z.enum(['true', 'false']).optional() });
export const DecisionSchema = z.object({
  meetingId: IdSchema, meetingDate: DateSchema, itemId: IdSchema, title: z.string(), resolution: z.string().nullable(),
  majority: MajoritySchema, adopted: z.boolean(), for: ExactFractionSchema, against: ExactFractionSchema,
  /** Contestable in court until this date (meeting + 4 months, 3.92 §3). */
  contestableUntil: DateSchema,
});
export const DecisionListSchema = z.object({ items: z.array(DecisionSchema) });

// ── Written procedure (3.87 §11) ────────────────────────────────────────────
export const WrittenProcedureParamsSchema = z.object({ buildingId: IdSchema, procedureId: IdSchema });
export const WrittenProcedureCreateSchema = z.object({
  title: Text(300), resolution: Text(10000), decisionType: DecisionTypeSchema,
  /** A decision that needs an authentic (notarial) act cannot be taken in writing. */
  needsAuthenticAct: z.boolean().default(false),
});
export const WrittenAnswerSchema = z.object({ personId: IdSchema, agrees: z.boolean() });
export const WrittenProcedureSchema = z.object({
  id: IdSchema, buildingId: IdSchema, title: z.string(), resolution: z.string(), decisionType: DecisionTypeSchema, asOf: DateSchema,
  status: z.enum(['open', 'adopted', 'rejected']), owners: z.number().int(), agreed: z.number().int(), refused: z.number().int(),
  closedOn: DateSchema.nullable(),
});

// ── Live voting socket: /api/v1/orgs/:orgId/meetings/:meetingId/live ─────────
export const LiveClientMessageSchema = z.discriminatedUnion('type', [
  /** The chair (any member allowed to read the meeting) authenticates with an access JWT. */
  z.object({ type: z.literal('auth'), token: z.string().min(1).max(4096) }),
  /** An attendee authenticates with the voter token received at sign-in. */
  z.object({ type: z.literal('voter'), voterToken: z.string().min(1).max(200) }),
  z.object({ type: z.literal('vote'), itemId: IdSchema, choice: VoteChoiceSchema, clientVoteId: z.string().min(1).max(100),
    /** The owner voted for: oneself (default) or a principal whose proxy one holds. */
    personId: IdSchema.optional() }),
]);
export type LiveClientMessage = z.infer<typeof LiveClientMessageSchema>;
/** What every participant may see of a closed vote (the names stay in the minutes and the chair's result). */
export const LiveResultSchema = TallySchema.pick({ majority: true, for: true, against: true, abstention: true, blank: true, null: true, cast: true, adopted: true });
export const LiveServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), role: z.enum(['chair', 'voter']),
    openItems: z.array(z.object({ itemId: IdSchema, title: z.string(),
      draftResolution: z.string().nullable().optional(), majority: MajoritySchema.nullable().optional() })),
    /** The meeting, so a page opened with only a voter token can say which assembly it is. */
    meeting: z.object({ kind: MeetingKindSchema, meetingDate: DateSchema, startTime: z.string(), place: z.string(), status: MeetingStatusSchema }).optional(),
    /** Voter only: the owners this token votes for (oneself first, then the principals), and their ballots on the open resolutions. */
    carries: z.array(z.object({ personId: IdSchema, name: z.string() })).optional(),
    ballots: z.array(z.object({ itemId: IdSchema, personId: IdSchema, choice: VoteChoiceSchema })).optional() }),
  z.object({ type: z.literal('resolution.opened'), itemId: IdSchema, title: z.string(), draftResolution: z.string().nullable(), majority: MajoritySchema }),
  z.object({ type: z.literal('resolution.closed'), itemId: IdSchema, adopted: z.boolean(), result: LiveResultSchema.optional() }),
  z.object({ type: z.literal('vote.ack'), itemId: IdSchema, personId: IdSchema, choice: VoteChoiceSchema, clientVoteId: z.string(), replaced: z.boolean() }),
  z.object({ type: z.literal('vote.rejected'), clientVoteId: z.string().nullable(), code: z.string(), message: z.string() }),
  /** Chair only: each recorded ballot, as it happens. */
  z.object({ type: z.literal('vote.recorded'), itemId: IdSchema, personId: IdSchema, choice: VoteChoiceSchema }),
]);
export type LiveServerMessage = z.infer<typeof LiveServerMessageSchema>;
