import { legalParam, legalValue } from '../../jurisdictions/be.ts';
import { meetsRatio } from '../../jurisdictions/threshold.ts';
import { AppError } from '../../platform/errors.ts';
import { add, sum, toText, ZERO, type Fraction } from './rational.domain.ts';

/**
 * Proxies (C. civ. art. 3.87 §7): one named holder per proxy; the syndic never holds one; nobody
 * holds more than 3, unless the holder's own votes plus all principals' votes stay within 10 % of
 * all the lots' votes. A proxy covers one meeting and its second session. Refusals say why.
 */

export interface ProxyCheck {
  principalId: string;
  holderId: string;
  holderIsSyndic: boolean;
  /** The owners with a vote (from the register); principals must be among them. */
  votesOf: (personId: string) => Fraction | undefined;
  totalVotes: Fraction;
  /** Principals this holder already represents at this meeting. */
  currentPrincipals: readonly string[];
  /** Principals that already gave a proxy for this meeting (to anyone). */
  principalsWithProxy: ReadonlySet<string>;
}

export function checkProxy(c: ProxyCheck): void {
  if (c.principalId === c.holderId) throw new AppError('proxy.self', 'An owner does not hold a proxy for themselves', { field: 'holderPersonId' });
  if (c.holderIsSyndic && !legalValue('ag.proxy.syndicMayHold')) {
    throw new AppError('proxy.syndic_holder', 'The syndic may not hold a proxy (C. civ. art. 3.87 §7)', { field: 'holderPersonId', legalRef: 'C. civ. art. 3.87 §7' });
  }
  const principalVotes = c.votesOf(c.principalId);
  if (!principalVotes) throw new AppError('proxy.principal_not_owner', 'The principal holds no vote in this building on the meeting date', { field: 'principalPersonId' });
  if (c.principalsWithProxy.has(c.principalId)) {
    throw new AppError('proxy.already_given', 'This owner already gave a proxy for this meeting; revoke it first', { field: 'principalPersonId' });
  }
  const max = legalValue('ag.proxy.maxPerHolder');
  const count = c.currentPrincipals.length + 1;
  if (count <= max) return;
  const carried = add(c.votesOf(c.holderId) ?? ZERO, sum([...c.currentPrincipals, c.principalId].map((p) => c.votesOf(p) ?? ZERO)));
  const param = legalParam('ag.proxy.exceptionMaxVotes');
  const withinException = c.totalVotes.num > 0n && meetsRatio(carried.num * c.totalVotes.den, carried.den * c.totalVotes.num, param);
  if (!withinException) {
    throw new AppError('proxy.limit_exceeded',
      `A holder may carry at most ${max} proxies, unless own and principals' votes stay within ${param.value.num}/${param.value.den} of all votes: `
      + `this would be proxy ${count} carrying ${toText(carried)} of ${toText(c.totalVotes)} votes (C. civ. art. 3.87 §7)`,
      { field: 'holderPersonId', proxies: count, max, carriedVotes: toText(carried), totalVotes: toText(c.totalVotes), legalRef: 'C. civ. art. 3.87 §7' });
  }
}
