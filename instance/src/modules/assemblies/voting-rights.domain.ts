import { add, div, fraction, mul, sum, ZERO, type Fraction } from './rational.domain.ts';
import type { Right } from '../holdings/holdings.domain.ts';

/**
 * Who votes at an assembly and with how many votes, derived from the share register as of a date
 * (never from a request). A lot votes with its quote-parts. Within a lot, the holders whose
 * holding carries the `votes` flag share the lot's quote-parts in proportion to their parts:
 * a full owner of 1/2 votes with half; a usufructuary (votes by default) votes for the whole lot
 * while the bare owner (no vote by default) does not; if both carried the flag they would split
 * it by their parts, so a lot never votes with more than its quote-parts. A lot with no voting
 * holder is not represented by anyone (its quote-parts still count in the total).
 */

export interface RegisterHolder { personId: string; personName: string; right: Right; part: Fraction; votes: boolean }
export interface RegisterLot { lotId: string; lotNumber: string; shares: number; holders: readonly RegisterHolder[] }

export interface VoterLot { lotId: string; lotNumber: string; right: Right; votes: Fraction }
export interface Voter { personId: string; personName: string; votes: Fraction; lots: VoterLot[] }

export function votersFromRegister(lots: readonly RegisterLot[]): Voter[] {
  const byPerson = new Map<string, Voter>();
  for (const lot of lots) {
    const voting = lot.holders.filter((h) => h.votes);
    if (voting.length === 0) continue;
    const votingParts = sum(voting.map((h) => h.part));
    for (const h of voting) {
      const votes = mul(fraction(lot.shares), div(h.part, votingParts));
      let v = byPerson.get(h.personId);
      if (!v) byPerson.set(h.personId, v = { personId: h.personId, personName: h.personName, votes: ZERO, lots: [] });
      v.votes = add(v.votes, votes);
      v.lots.push({ lotId: lot.lotId, lotNumber: lot.lotNumber, right: h.right, votes });
    }
  }
  return [...byPerson.values()].sort((a, b) => a.personName.localeCompare(b.personName) || a.personId.localeCompare(b.personId));
}

/** Quote-parts of all lots (the whole the quorum and the 10 % proxy rule are measured against). */
export const totalVotesOf = (lots: readonly RegisterLot[]): Fraction => fraction(lots.reduce((n, l) => n + BigInt(l.shares), 0n));
