import { legalParam, legalValue } from '../../jurisdictions/be.ts';
import { meetsRatio } from '../../jurisdictions/threshold.ts';
import { add, compare, div, isZero, mul, sub, sum, ZERO, type Fraction } from './rational.domain.ts';

/**
 * Majorities and the tally of one resolution (C. civ. art. 3.87 §7–§9, 3.88), exact on fractions.
 * - Votes cast are for + against: abstentions, blank and null votes do not count (3.87 §8).
 * - Absolute: more than 1/2 of votes cast; 2/3 and 4/5: at least that share of votes cast;
 *   unanimity: every owner of the building voted for, absentees included (so one absentee defeats it).
 * - The cap (3.87 §7): nobody votes with more than all the other owners present or represented
 *   together. It applies to what one attendee carries (own votes + proxies); when it bites, each of
 *   that attendee's ballots is scaled by cap / carried (exact), so a split proxy vote keeps its proportions.
 * - Conflict of interest (3.87 §9): an excluded person takes no part, personally or by proxy:
 *   their own ballots and those they cast as proxy holder are left out, and they are not "others" for the cap.
 */

export const MAJORITIES = ['absolute', 'twoThirds', 'fourFifths', 'unanimity'] as const;
export type Majority = (typeof MAJORITIES)[number];
export const CHOICES = ['for', 'against', 'abstention', 'blank', 'null'] as const;
export type Choice = (typeof CHOICES)[number];

export type DecisionType = keyof ReturnType<typeof decisionTable>;
const decisionTable = () => legalValue('ag.majority.byDecision');
export const DECISION_TYPES = Object.keys(decisionTable()) as DecisionType[];

/** The majority the law requires for a kind of decision (belgian-rules.md §2.2). */
export const majorityFor = (type: DecisionType): Majority => decisionTable()[type];

/** Someone present or represented for a resolution: the owner and who carries their votes (themselves or a proxy holder). */
export interface Participant { ownerId: string; ownerName: string; holderId: string; votes: Fraction }
export interface Ballot { ownerId: string; choice: Choice }

export interface TallyInput {
  majority: Majority;
  /** Every owner with a vote in the building (from the register), absentees included: unanimity needs them all. */
  allOwners: readonly { personId: string; votes: Fraction }[];
  participants: readonly Participant[];
  ballots: readonly Ballot[];
  excludedPersonIds: readonly string[];
}

export interface Tally {
  majority: Majority;
  totals: Record<Choice, Fraction>;
  cast: Fraction;
  adopted: boolean;
  capped: { holderId: string; carried: Fraction; cap: Fraction }[];
  against: { personId: string; name: string }[];
  abstained: { personId: string; name: string }[];
}

const emptyTotals = (): Record<Choice, Fraction> => ({ for: ZERO, against: ZERO, abstention: ZERO, blank: ZERO, null: ZERO });

/** Does for/cast meet the majority's threshold? No votes cast: nothing is adopted. */
export function meetsMajority(majority: Exclude<Majority, 'unanimity'>, forVotes: Fraction, cast: Fraction): boolean {
  if (isZero(cast)) return false;
  const key = majority === 'absolute' ? 'ag.majority.absolute' : majority === 'twoThirds' ? 'ag.majority.twoThirds' : 'ag.majority.fourFifths';
  return meetsRatio(forVotes.num * cast.den, forVotes.den * cast.num, legalParam(key));
}

/** The factor each attendee's ballots are multiplied by (1 unless the cap bites). */
function capFactors(participants: readonly Participant[]) {
  const carried = new Map<string, Fraction>();
  for (const p of participants) carried.set(p.holderId, add(carried.get(p.holderId) ?? ZERO, p.votes));
  const present = sum(carried.values());
  const factors = new Map<string, Fraction>();
  const capped: Tally['capped'] = [];
  for (const [holderId, c] of carried) {
    const cap = sub(present, c);
    if (compare(c, cap) > 0) {
      factors.set(holderId, isZero(c) ? ZERO : div(cap, c));
      capped.push({ holderId, carried: c, cap });
    }
  }
  return { factors, capped };
}

export function tally(input: TallyInput): Tally {
  const excluded = new Set(input.excludedPersonIds);
  const eligible = input.participants.filter((p) => !excluded.has(p.ownerId) && !excluded.has(p.holderId));
  const byOwner = new Map(eligible.map((p) => [p.ownerId, p]));
  const { factors, capped } = capFactors(eligible);
  const totals = emptyTotals();
  const against: Tally['against'] = [];
  const abstained: Tally['abstained'] = [];
  const votedFor = new Set<string>();
  for (const b of input.ballots) {
    const p = byOwner.get(b.ownerId);
    if (!p) continue; // not present or represented, or excluded for this item
    const factor = factors.get(p.holderId);
    totals[b.choice] = add(totals[b.choice], factor ? mul(p.votes, factor) : p.votes);
    if (b.choice === 'for') votedFor.add(b.ownerId);
    if (b.choice === 'against') against.push({ personId: p.ownerId, name: p.ownerName });
    if (b.choice === 'abstention' || b.choice === 'blank' || b.choice === 'null') abstained.push({ personId: p.ownerId, name: p.ownerName });
  }
  const cast = add(totals.for, totals.against);
  const adopted = input.majority === 'unanimity'
    ? unanimous(input.allOwners.filter((o) => !excluded.has(o.personId) && !isZero(o.votes)), votedFor)
    : meetsMajority(input.majority, totals.for, cast);
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  return { majority: input.majority, totals, cast, adopted, capped, against: against.sort(byName), abstained: abstained.sort(byName) };
}

/** Unanimity of ALL owners (3.88): every one of them voted for; one absentee or abstainer defeats it. */
function unanimous(owners: readonly { personId: string }[], votedFor: ReadonlySet<string>): boolean {
  return owners.length > 0 && owners.every((o) => votedFor.has(o.personId));
}
