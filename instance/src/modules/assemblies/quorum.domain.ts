import { legalParam } from '../../jurisdictions/be.ts';
import { meetsRatio } from '../../jurisdictions/threshold.ts';
import { compare, fraction, type Fraction } from './rational.domain.ts';

/**
 * Quorum at the opening of an assembly (C. civ. art. 3.87 §5): more than half of the owners holding
 * at least half of the quote-parts, OR more than 3/4 of the quote-parts alone. Present means present
 * in person, remotely (if the convocation allowed it) or represented by a proxy. A second session
 * (after a failed first one) deliberates whatever the attendance. Later departures do not matter.
 */

export type Session = 'first' | 'second';
export type QuorumPath = 'owners_and_shares' | 'shares_alone' | 'second_session';

export interface QuorumInput {
  session: Session;
  ownersTotal: number;
  ownersPresent: number;
  sharesTotal: Fraction;
  sharesPresent: Fraction;
}

export interface QuorumResult { reached: boolean; path: QuorumPath | null; reason: string }

/** part/whole compared with a pack ratio, on fractions (cross-multiplied into integers). */
function fractionMeets(part: Fraction, whole: Fraction, key: 'ag.quorum.sharesWithOwnersMin' | 'ag.quorum.sharesAloneMin' | 'ag.quorum.ownersMin') {
  if (whole.num === 0n) return false;
  // part/whole = (p.num·w.den)/(p.den·w.num)
  return meetsRatio(part.num * whole.den, part.den * whole.num, legalParam(key));
}

export function checkQuorum(q: QuorumInput): QuorumResult {
  if (q.ownersPresent < 0 || q.ownersPresent > q.ownersTotal || compare(q.sharesPresent, q.sharesTotal) > 0) {
    throw new RangeError('More present than exist');
  }
  if (q.session === 'second') return { reached: true, path: 'second_session', reason: 'A second session deliberates whatever the attendance' };
  const owners = q.ownersTotal > 0 && fractionMeets(fraction(q.ownersPresent), fraction(q.ownersTotal), 'ag.quorum.ownersMin');
  const half = fractionMeets(q.sharesPresent, q.sharesTotal, 'ag.quorum.sharesWithOwnersMin');
  if (owners && half) return { reached: true, path: 'owners_and_shares', reason: 'More than half of the owners, holding at least half of the quote-parts' };
  if (fractionMeets(q.sharesPresent, q.sharesTotal, 'ag.quorum.sharesAloneMin')) {
    return { reached: true, path: 'shares_alone', reason: 'More than three quarters of the quote-parts' };
  }
  const why = !owners ? 'not more than half of the owners' : 'less than half of the quote-parts';
  return { reached: false, path: null, reason: `Quorum not reached: ${why}, and not more than three quarters of the quote-parts` };
}
