import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.ts';
import { majorityFor, meetsMajority, tally, type Ballot, type Choice, type Participant } from './majority.domain.ts';
import { checkProxy, type ProxyCheck } from './proxies.domain.ts';
import { checkQuorum } from './quorum.domain.ts';
import { add, compare, fraction, mul, sub, sum, toText, ZERO, type Fraction } from './rational.domain.ts';
import { totalVotesOf, votersFromRegister, type RegisterLot } from './voting-rights.domain.ts';

const f = (n: number | bigint, d: number | bigint = 1) => fraction(n, d);
const codeOf = (fn: () => unknown) => {
  try { fn(); } catch (e) { return e instanceof AppError ? e.code : String(e); }
  return 'ok';
};

describe('quorum at opening (3.87 §5, R05)', () => {
  const q = (ownersPresent: number, sharesPresent: number, session: 'first' | 'second' = 'first') =>
    checkQuorum({ session, ownersTotal: 10, ownersPresent, sharesTotal: f(1000), sharesPresent: f(sharesPresent) });

  it('follows the rules-doc cases: 6/450 no, 5/600 no, 6/500 yes, 3/760 yes', () => {
    expect(q(6, 450).reached).toBe(false);
    expect(q(5, 600).reached).toBe(false);
    expect(q(6, 500)).toMatchObject({ reached: true, path: 'owners_and_shares' });
    expect(q(3, 760)).toMatchObject({ reached: true, path: 'shares_alone' });
  });

  it('puts each boundary exactly: > 1/2 owners, ≥ 1/2 shares, > 3/4 shares alone', () => {
    expect(q(6, 500).reached).toBe(true); // 6 > 5 and 500 ≥ 500
    expect(q(6, 499).reached).toBe(false); // just below half of the shares
    expect(q(5, 750).reached).toBe(false); // 5 owners is not more than half, 750 is not more than 3/4
    expect(q(5, 751)).toMatchObject({ reached: true, path: 'shares_alone' });
    expect(q(1, 751).reached).toBe(true);
    expect(q(10, 499).reached).toBe(false);
    expect(q(5, 500).reason).toMatch(/not more than half of the owners/);
    expect(q(6, 499).reason).toMatch(/less than half of the quote-parts/);
  });

  it('works on exact fractional shares (a co-owned lot counts 333 1/3)', () => {
    const r = checkQuorum({ session: 'first', ownersTotal: 3, ownersPresent: 2, sharesTotal: f(1000), sharesPresent: f(1000, 2) });
    expect(r.reached).toBe(true);
    const below = checkQuorum({ session: 'first', ownersTotal: 3, ownersPresent: 2, sharesTotal: f(1000), sharesPresent: sub(f(1000, 2), f(1, 3)) });
    expect(below.reached).toBe(false);
  });

  it('lets a second session deliberate whatever the attendance (R06: 2 owners, 80 shares)', () => {
    expect(q(2, 80, 'second')).toMatchObject({ reached: true, path: 'second_session' });
    expect(q(0, 0, 'second').reached).toBe(true);
  });

  it('refuses impossible attendance', () => {
    expect(() => q(11, 10)).toThrow(RangeError);
    expect(() => q(1, 1001)).toThrow(RangeError);
  });

  it('is monotonic: adding attendance never loses a reached quorum (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 50 }), fc.nat(), fc.nat(), fc.nat(), (total, a, b, extra) => {
      const owners = a % (total + 1);
      const shares = b % 1001;
      const base = checkQuorum({ session: 'first', ownersTotal: total, ownersPresent: owners, sharesTotal: f(1000), sharesPresent: f(shares) });
      const more = checkQuorum({ session: 'first', ownersTotal: total, ownersPresent: Math.min(total, owners + (extra % 3)),
        sharesTotal: f(1000), sharesPresent: f(Math.min(1000, shares + (extra % 50))) });
      return !base.reached || more.reached;
    }));
  });
});

describe('majorities by decision type (3.87 §8, 3.88)', () => {
  it('maps decision types to the majority of §2.2', () => {
    expect(majorityFor('accounts_budget')).toBe('absolute');
    expect(majorityFor('conservatory_works')).toBe('absolute');
    expect(majorityFor('common_parts_works')).toBe('twoThirds');
    expect(majorityFor('distribution_key')).toBe('fourFifths');
    expect(majorityFor('no_reserve_fund')).toBe('fourFifths');
    expect(majorityFor('quote_parts_change')).toBe('unanimity');
  });

  it('absolute: strictly more than half of votes cast, just above and just below', () => {
    expect(meetsMajority('absolute', f(501), f(1000))).toBe(true);
    expect(meetsMajority('absolute', f(500), f(1000))).toBe(false);
    expect(meetsMajority('absolute', add(f(500), f(1, 1000)), f(1000))).toBe(true);
    expect(meetsMajority('absolute', f(0), f(0))).toBe(false); // nothing cast, nothing adopted
  });

  it('2/3 and 4/5: at least that share of votes cast (R14, R15)', () => {
    expect(meetsMajority('twoThirds', f(660), f(1000))).toBe(false);
    expect(meetsMajority('twoThirds', f(667), f(1000))).toBe(true);
    expect(meetsMajority('twoThirds', f(2), f(3))).toBe(true);
    expect(meetsMajority('twoThirds', sub(f(2), f(1, 1_000_000)), f(3))).toBe(false);
    expect(meetsMajority('fourFifths', f(79), f(100))).toBe(false);
    expect(meetsMajority('fourFifths', f(80), f(100))).toBe(true);
  });
});

const part = (ownerId: string, votes: number | Fraction, holderId = ownerId): Participant =>
  ({ ownerId, ownerName: ownerId.toUpperCase(), holderId, votes: typeof votes === 'number' ? f(votes) : votes });

describe('tally of a resolution', () => {
  it('leaves abstentions, blank and null out of votes cast (R08)', () => {
    const participants = [part('a', 300), part('b', 250), part('c', 400), part('d', 50)];
    const ballots: Ballot[] = [{ ownerId: 'a', choice: 'for' }, { ownerId: 'b', choice: 'against' },
      { ownerId: 'c', choice: 'abstention' }, { ownerId: 'd', choice: 'blank' }];
    const t = tally({ majority: 'absolute', allOwners: [], participants, ballots, excludedPersonIds: [] });
    expect(toText(t.cast)).toBe('550');
    expect(t.adopted).toBe(true);
    expect(t.against).toEqual([{ personId: 'b', name: 'B' }]);
    expect(t.abstained.map((x) => x.personId)).toEqual(['c', 'd']);
  });

  it('caps an attendee at the sum of all others present or represented, own votes and proxies together (R09)', () => {
    const participants = [part('a', 400), part('a2', 200, 'a'), part('b', 200), part('c', 100)];
    const ballots: Ballot[] = [{ ownerId: 'a', choice: 'for' }, { ownerId: 'a2', choice: 'for' }, { ownerId: 'b', choice: 'against' }, { ownerId: 'c', choice: 'against' }];
    const t = tally({ majority: 'absolute', allOwners: [], participants, ballots, excludedPersonIds: [] });
    expect(toText(t.totals.for)).toBe('300'); // 600 carried, capped at 300
    expect(t.capped).toEqual([{ holderId: 'a', carried: f(600), cap: f(300) }]);
    expect(t.adopted).toBe(false); // 300 for, 300 against: not more than half
  });

  it('scales a split proxy vote proportionally when the cap bites', () => {
    const participants = [part('a', 400), part('a2', 200, 'a'), part('b', 300)];
    const ballots: Ballot[] = [{ ownerId: 'a', choice: 'for' }, { ownerId: 'a2', choice: 'against' }, { ownerId: 'b', choice: 'against' }];
    const t = tally({ majority: 'absolute', allOwners: [], participants, ballots, excludedPersonIds: [] });
    expect(toText(t.totals.for)).toBe('200'); // 400 × 300/600
    expect(toText(t.totals.against)).toBe('400'); // 200 × 1/2 + 300
  });

  it('removes a conflicted person personally and as proxy holder (R13)', () => {
    const participants = [part('syn', 100), part('p', 200, 'syn'), part('b', 300), part('c', 100)];
    const ballots: Ballot[] = [{ ownerId: 'syn', choice: 'for' }, { ownerId: 'p', choice: 'for' }, { ownerId: 'b', choice: 'against' }, { ownerId: 'c', choice: 'for' }];
    const t = tally({ majority: 'absolute', allOwners: [], participants, ballots, excludedPersonIds: ['syn'] });
    expect(toText(t.totals.for)).toBe('100');
    // b (300) now faces only c (100): the cap brings b to 100; 100 for of 200 cast is not a majority.
    expect(toText(t.totals.against)).toBe('100');
    expect(t.adopted).toBe(false);
  });

  it('ignores ballots of owners neither present nor represented', () => {
    const t = tally({ majority: 'absolute', allOwners: [], participants: [part('a', 10), part('b', 10)],
      ballots: [{ ownerId: 'a', choice: 'for' }, { ownerId: 'ghost', choice: 'against' }], excludedPersonIds: [] });
    expect(toText(t.cast)).toBe('10');
  });

  it('unanimity counts every owner, absentees included (R16)', () => {
    const owners = Array.from({ length: 10 }, (_, i) => ({ personId: `o${i}`, votes: f(100) }));
    const nine = owners.slice(0, 9).map((o) => part(o.personId, 100));
    const ballots = nine.map((p) => ({ ownerId: p.ownerId, choice: 'for' as Choice }));
    expect(tally({ majority: 'unanimity', allOwners: owners, participants: nine, ballots, excludedPersonIds: [] }).adopted).toBe(false);
    const all = owners.map((o) => part(o.personId, 100));
    const allFor = all.map((p) => ({ ownerId: p.ownerId, choice: 'for' as Choice }));
    expect(tally({ majority: 'unanimity', allOwners: owners, participants: all, ballots: allFor, excludedPersonIds: [] }).adopted).toBe(true);
    const oneAbstains = allFor.map((b, i) => (i === 3 ? { ...b, choice: 'abstention' as Choice } : b));
    expect(tally({ majority: 'unanimity', allOwners: owners, participants: all, ballots: oneAbstains, excludedPersonIds: [] }).adopted).toBe(false);
  });

  it('never lets an attendee weigh more than the others, and never counts more than is present (property)', () => {
    const arb = fc.array(fc.record({ votes: fc.integer({ min: 1, max: 500 }), holder: fc.integer({ min: 0, max: 4 }),
      choice: fc.constantFrom<Choice>('for', 'against', 'abstention', 'blank', 'null') }), { minLength: 1, maxLength: 12 });
    fc.assert(fc.property(arb, (rows) => {
      const participants = rows.map((r, i) => part(`o${i}`, r.votes, `h${r.holder}`));
      const ballots = rows.map((r, i) => ({ ownerId: `o${i}`, choice: r.choice }));
      const t = tally({ majority: 'absolute', allOwners: [], participants, ballots, excludedPersonIds: [] });
      const counted = sum(Object.values(t.totals));
      if (compare(counted, sum(participants.map((p) => p.votes))) > 0) return false;
      // Per holder, effective weight ≤ the sum of the others.
      const holders = new Set(participants.map((p) => p.holderId));
      for (const h of holders) {
        const mine = participants.filter((p) => p.holderId === h);
        const others = sum(participants.filter((p) => p.holderId !== h).map((p) => p.votes));
        const carried = sum(mine.map((p) => p.votes));
        const cap = t.capped.find((c) => c.holderId === h);
        const effective = cap ? cap.cap : carried;
        if (compare(effective, others) > 0) return false;
      }
      return true;
    }));
  });
});

describe('proxies (3.87 §7)', () => {
  const votes: Record<string, Fraction> = { bob: f(20), p1: f(20), p2: f(20), p3: f(20), p4: f(10), big: f(40) };
  const base = (over: Partial<ProxyCheck>): ProxyCheck => ({
    principalId: 'p1', holderId: 'bob', holderIsSyndic: false, votesOf: (id) => votes[id], totalVotes: f(1000),
    currentPrincipals: [], principalsWithProxy: new Set(), ...over,
  });

  it('accepts up to 3 proxies', () => {
    expect(codeOf(() => checkProxy(base({ principalId: 'p3', currentPrincipals: ['p1', 'p2'] })))).toBe('ok');
  });

  it('accepts a 4th only within 10 % of all votes, own votes included (R10)', () => {
    // own 20 + principals 20+20+20+10 = 90 ≤ 100
    expect(codeOf(() => checkProxy(base({ principalId: 'p4', currentPrincipals: ['p1', 'p2', 'p3'] })))).toBe('ok');
    // own 20 + 20+20+20+40 = 120 > 100
    expect(codeOf(() => checkProxy(base({ principalId: 'big', currentPrincipals: ['p1', 'p2', 'p3'] })))).toBe('proxy.limit_exceeded');
    // exactly 100 is still within (≤)
    expect(codeOf(() => checkProxy(base({ principalId: 'p4', currentPrincipals: ['p1', 'p2', 'p3'], totalVotes: f(900) })))).toBe('ok');
    expect(codeOf(() => checkProxy(base({ principalId: 'p4', currentPrincipals: ['p1', 'p2', 'p3'], totalVotes: f(899) })))).toBe('proxy.limit_exceeded');
  });

  it('says why in the refusal', () => {
    try {
      checkProxy(base({ principalId: 'big', currentPrincipals: ['p1', 'p2', 'p3'] }));
    } catch (e) {
      expect((e as AppError).details).toMatchObject({ proxies: 4, max: 3, carriedVotes: '120', totalVotes: '1000' });
      expect((e as AppError).message).toMatch(/3\.87 §7/);
    }
  });

  it('refuses the syndic as holder (R11), a self-proxy, a non-owner principal and a second proxy', () => {
    expect(codeOf(() => checkProxy(base({ holderIsSyndic: true })))).toBe('proxy.syndic_holder');
    expect(codeOf(() => checkProxy(base({ principalId: 'bob' })))).toBe('proxy.self');
    expect(codeOf(() => checkProxy(base({ principalId: 'tenant' })))).toBe('proxy.principal_not_owner');
    expect(codeOf(() => checkProxy(base({ principalsWithProxy: new Set(['p1']) })))).toBe('proxy.already_given');
  });
});

describe('voting rights from the register', () => {
  const lot = (lotId: string, shares: number, holders: RegisterLot['holders']): RegisterLot => ({ lotId, lotNumber: lotId, shares, holders });
  const h = (personId: string, right: 'full' | 'usufruct' | 'bare', part: Fraction, votes: boolean) => ({ personId, personName: personId, right, part, votes });

  it('gives the usufructuary the lot\'s votes and the bare owner none (default flags)', () => {
    const v = votersFromRegister([lot('L1', 100, [h('usu', 'usufruct', f(1), true), h('bare', 'bare', f(1), false)])]);
    expect(v.map((x) => [x.personId, toText(x.votes)])).toEqual([['usu', '100']]);
  });

  it('splits a lot between joint full owners by their parts, exactly', () => {
    const v = votersFromRegister([lot('L1', 100, [h('a', 'full', f(1, 3), true), h('b', 'full', f(2, 3), true)])]);
    expect(v.map((x) => toText(x.votes))).toEqual(['100/3', '200/3']);
  });

  it('never lets a lot vote with more than its quote-parts, whatever the flags', () => {
    const v = votersFromRegister([lot('L1', 90, [h('usu', 'usufruct', f(1), true), h('bare', 'bare', f(1), true)])]);
    expect(toText(sum(v.map((x) => x.votes)))).toBe('90');
    expect(v.map((x) => toText(x.votes))).toEqual(['45', '45']);
  });

  it('adds up a person\'s lots and leaves unheld lots unrepresented', () => {
    const lots = [lot('L1', 100, [h('a', 'full', f(1), true)]), lot('L2', 50, [h('a', 'full', f(1), true)]), lot('L3', 25, [])];
    const v = votersFromRegister(lots);
    expect(v).toHaveLength(1);
    expect(toText(v[0]!.votes)).toBe('150');
    expect(toText(totalVotesOf(lots))).toBe('175');
  });

  it('keeps the votes of voting holders equal to the voting lots\' quote-parts (property)', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 4 })), { minLength: 1, maxLength: 8 }), (spec) => {
      const lots = spec.map(([shares, n], i) => lot(`L${i}`, shares, Array.from({ length: n }, (_, j) => h(`p${(i + j) % 5}`, 'full', f(1, n), true))));
      const total = sum(votersFromRegister(lots).map((x) => x.votes));
      return compare(total, totalVotesOf(lots)) === 0 && compare(mul(total, f(1)), ZERO) >= 0;
    }));
  });
});
