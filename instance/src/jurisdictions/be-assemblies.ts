import { one, ratio } from './pack.ts';

/**
 * BE pack, general assembly (belgian-rules.md §2.1). C. civ. art. 3.87–3.88 (law of 4 Feb 2020,
 * in force 1 Sept 2021). The § numbers inside 3.87 are themselves `to verify` (§12 Q1); the
 * values below carry the confidence of the rules doc's table.
 * Ratios are exact fractions with the comparator that makes the rule ("> 1/2" ≠ ">= 1/2").
 */
const ref = (article: string) => `C. civ. art. ${article}`;

export const BE_ASSEMBLIES = {
  'ag.ordinary.minPerYear': one({
    value: 1, unit: 'count', comparator: '>=', legalRef: ref('3.87 §2'), confidence: 'confirmed', override: 'none',
    note: 'at least one ordinary AG a year, inside the statutory window',
  }),
  'ag.statutoryWindow.days': one({
    value: 15, unit: 'calendarDays', legalRef: ref('3.87 §2'), confidence: 'confirmed', override: 'none',
    note: 'the "quinzaine" fixed by the statutes or the ROI',
  }),
  'ag.agendaRequest.leadDays': one({
    value: 21, unit: 'calendarDays', comparator: '>=', legalRef: ref('3.87 §2'), confidence: 'confirmed', override: 'none',
    note: 'before the first day of the statutory window, not before the meeting',
  }),
  'ag.ownerRequest.sharesMin': one({
    value: ratio(1, 5), unit: 'ratio', comparator: '>=', legalRef: ref('3.87 §2'), confidence: 'confirmed', override: 'none',
    note: 'of the quotes-parts',
  }),
  'ag.ownerRequest.syndicDelayDays': one({
    value: 30, unit: 'calendarDays', comparator: '<=', legalRef: ref('3.87 §2'), confidence: 'confirmed', override: 'none',
    note: 'afterwards the requesters may convene',
  }),
  'ag.convocation.minDays': one({
    value: 15, unit: 'calendarDays', comparator: '>=', legalRef: ref('3.87 §3'), confidence: 'confirmed', override: 'stricterOnly',
    note: 'before the AG; the statutes or ROI may require more',
  }),
  'ag.convocation.appliesTo': one({
    value: ['ordinary', 'extraordinary', 'second'] as const, unit: 'code', legalRef: ref('3.87 §3'), confidence: 'to-verify', override: 'none',
  }),
  'ag.convocation.countMode': one({
    value: 'calendarDays', unit: 'code', legalRef: ref('3.87 §3'), confidence: 'to-verify', override: 'none',
    note: 'the "15 jours francs" (clear days) reading is to verify: warn when only the calendar reading is met (R01)',
  }),
  'ag.convocation.urgencyException': one({
    value: 'none', unit: 'code', legalRef: ref('3.87 §3'), confidence: 'to-verify', override: 'none',
  }),
  'ag.convocation.defaultChannel': one({
    value: 'registeredMail', unit: 'code', legalRef: ref('3.87 §3'), confidence: 'confirmed', override: 'none',
    note: "another channel only with the owner's individual, explicit, written acceptance",
  }),
  'ag.quorum.ownersMin': one({
    value: ratio(1, 2), unit: 'ratio', comparator: '>', legalRef: ref('3.87 §5'), confidence: 'confirmed', override: 'none',
    note: 'more than half of the owners, AND ag.quorum.sharesWithOwnersMin',
  }),
  'ag.quorum.sharesWithOwnersMin': one({
    value: ratio(1, 2), unit: 'ratio', comparator: '>=', legalRef: ref('3.87 §5'), confidence: 'confirmed', override: 'none',
    note: 'at least half of the quotes-parts, together with ag.quorum.ownersMin',
  }),
  'ag.quorum.sharesAloneMin': one({
    value: ratio(3, 4), unit: 'ratio', comparator: '>', legalRef: ref('3.87 §5'), confidence: 'confirmed', override: 'none',
    note: 'alternative path: more than 3/4 of the quotes-parts alone',
  }),
  'ag.quorum.checkedAt': one({
    value: 'opening', unit: 'code', legalRef: ref('3.87 §5'), confidence: 'confirmed', override: 'none',
    note: 'later departures do not matter',
  }),
  'ag.secondAg.minDelayDays': one({
    value: 15, unit: 'calendarDays', comparator: '>=', legalRef: ref('3.87 §5'), confidence: 'confirmed', override: 'none',
    note: 'after the failed first AG; the second AG needs no quorum',
  }),
  'ag.proxy.maxPerHolder': one({
    value: 3, unit: 'count', comparator: '<=', legalRef: ref('3.87 §7'), confidence: 'confirmed', override: 'none',
  }),
  'ag.proxy.exceptionMaxVotes': one({
    value: ratio(1, 10), unit: 'ratio', comparator: '<=', legalRef: ref('3.87 §7'), confidence: 'confirmed', override: 'none',
    note: "of all lots' votes, counting the holder's own and all principals' votes",
  }),
  'ag.proxy.scope': one({
    value: 'meetingAndSecondMeeting', unit: 'code', legalRef: ref('3.87 §7'), confidence: 'confirmed', override: 'none',
    note: 'one AG plus its second AG, unless excluded; notarial proxies exempt',
  }),
  'ag.vote.cap': one({
    value: 'sumOfOthersPresentOrRepresented', unit: 'code', legalRef: ref('3.87 §7'), confidence: 'confirmed', override: 'none',
    note: 'nobody votes with more than the sum of all other owners present or represented',
  }),
  'ag.votesCast.excludes': one({
    value: ['abstention', 'blank', 'null'] as const, unit: 'code', legalRef: ref('3.87 §8'), confidence: 'confirmed', override: 'none',
  }),
  'ag.majority.absolute': one({
    value: ratio(1, 2), unit: 'ratio', comparator: '>', legalRef: ref('3.87 §8'), confidence: 'confirmed', override: 'none',
    note: 'of votes cast',
  }),
  'ag.majority.twoThirds': one({
    value: ratio(2, 3), unit: 'ratio', comparator: '>=', legalRef: ref('3.88'), confidence: 'confirmed', override: 'none',
    note: 'of votes cast; the exact tie (>= rather than >) is to verify (§12 Q5)',
  }),
  'ag.majority.fourFifths': one({
    value: ratio(4, 5), unit: 'ratio', comparator: '>=', legalRef: ref('3.88'), confidence: 'confirmed', override: 'none',
    note: 'of votes cast; the exact tie (>= rather than >) is to verify (§12 Q5)',
  }),
  'ag.majority.unanimity': one({
    value: ratio(1, 1), unit: 'ratio', comparator: '>=', legalRef: ref('3.88'), confidence: 'confirmed', override: 'none',
    note: 'of ALL owners, absentees included (not of votes cast)',
  }),
  'ag.minutes.sendWithinDays': one({
    value: 30, unit: 'calendarDays', comparator: '<=', legalRef: ref('3.87 §12'), confidence: 'confirmed', override: 'none',
    note: 'after the AG',
  }),
  'ag.contest.windowMonths': one({
    value: 4, unit: 'months', legalRef: ref('3.92 §3'), confidence: 'confirmed', override: 'none',
    note: 'from the AG; the start date for owners not convened is to verify',
  }),
  'ag.proxy.syndicMayHold': one({
    value: false, unit: 'flag', legalRef: ref('3.87 §7'), confidence: 'confirmed', override: 'none',
    note: 'the syndic may not hold a proxy (R11); a syndic who owns a lot still votes for it',
  }),
  'ag.vote.conflictOfInterest': one({
    value: 'excludedPersonallyAndByProxy', unit: 'code', legalRef: ref('3.87 §9'), confidence: 'confirmed', override: 'none',
    note: 'a person mandated or employed by the ACP takes no part in the vote on their own mission (R13)',
  }),
  'ag.majority.byDecision': one({
    value: {
      accounts_budget: 'absolute', syndic_appointment: 'absolute', commissaire: 'absolute', council_member: 'absolute',
      legally_required_works: 'absolute', conservatory_works: 'absolute', routine_maintenance: 'absolute', legal_action: 'absolute',
      rules_of_procedure: 'absolute', other: 'absolute',
      statutes_common_parts_use: 'twoThirds', common_parts_works: 'twoThirds', tender_threshold: 'twoThirds', private_parts_works: 'twoThirds',
      statutes_other: 'fourFifths', distribution_key: 'fourFifths', destination_change: 'fourFifths', reconstruction: 'fourFifths',
      acquire_real_estate: 'fourFifths', dispose_real_estate: 'fourFifths', lots_division_merger: 'fourFifths', demolition: 'fourFifths',
      no_reserve_fund: 'fourFifths',
      quote_parts_change: 'unanimity',
    } as const,
    unit: 'table', legalRef: ref('3.88'), confidence: 'confirmed', override: 'none',
    note: 'belgian-rules.md §2.2; "other" is the default absolute majority of 3.87 §8',
  }),
  'ag.writtenProcedure.requires': one({
    value: 'unanimityOfAllOwners', unit: 'code', legalRef: ref('3.87 §11'), confidence: 'confirmed', override: 'none',
    note: 'not for decisions that need an authentic (notarial) act (R18)',
  }),
} as const;
