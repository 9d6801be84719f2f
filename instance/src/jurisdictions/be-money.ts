import { dated, one, ratio } from './pack.ts';

/**
 * BE pack: VAT (belgian-rules.md §9), funds (§4.1), accounting and retention (§5).
 *
 * Not modelled (see §9): the 6 % rate for demolition and reconstruction (own and only dwelling,
 * social rental: not an ACP case) and the 6 % rate for heat pumps in dwellings younger than
 * 10 years (expired end 2024; a draft AR of 14 Nov 2025 would bring it back in 2026, to verify).
 * Such lines at 6 % are therefore refused by the 10-year rule.
 */
const VAT_CODE = 'VAT Code (Code TVA / Btw-wetboek)';
const AR20 = 'AR n° 20 of 20 July 1970';
const RENO6 = `${AR20}, table A, rubric XXXI`;

export const BE_MONEY = {
  'vat.rate.zero': one({
    value: 0, unit: 'basisPoints', legalRef: `${VAT_CODE} art. 44 (exempt supplies, booked at 0 %)`, confidence: 'to-verify', override: 'none',
    note: 'lines without VAT (e.g. insurance premiums, exempt under art. 44); which ACP costs fall here: to verify',
  }),
  'vat.rate.reduced': one({
    value: 600, unit: 'basisPoints', legalRef: `${AR20}, table A`, confidence: 'confirmed', override: 'none',
    note: 'for renovation of housing only when every vat.reno6.* condition holds (R33)',
  }),
  'vat.rate.intermediate': one({
    value: 1200, unit: 'basisPoints', legalRef: `${AR20}, table B`, confidence: 'to-verify', override: 'none',
    note: 'social housing and a few specific cases; rare for ACPs (§12 Q12)',
  }),
  'vat.rate.standard': one({
    value: 2100, unit: 'basisPoints', legalRef: `${AR20}, art. 1; ${VAT_CODE} art. 37`, confidence: 'confirmed', override: 'none',
    note: 'new buildings and dwellings first occupied less than 10 years ago, syndic fees, cleaning, gardening, most services, fossil-fuel boilers since 2025-07-29',
  }),
  'vat.reno6.minDwellingAgeYears': dated(
    {
      value: 5, unit: 'years', comparator: '>=', legalRef: RENO6, confidence: 'confirmed', override: 'none', validTo: '2016-02-11',
      note: 'first occupation at least this many years before the works',
    },
    {
      value: 10, unit: 'years', comparator: '>=', legalRef: RENO6, confidence: 'confirmed', override: 'none', validFrom: '2016-02-12',
      note: 'first occupation at least this many years before the works',
    },
  ),
  'vat.reno6.invoiceDeclarationFrom': one({
    value: '2022-01-01', unit: 'date', legalRef: RENO6, confidence: 'confirmed', override: 'none',
    note: 'from this date a declaration on the invoice replaces the signed certificate',
  }),
  'vat.reno6.excludedWorks': one({
    value: ['cleaning', 'gardening', 'fencing', 'swimmingPool', 'sauna'] as const, unit: 'code', legalRef: RENO6,
    confidence: 'confirmed', override: 'none', note: 'never at 6 %, whatever the age of the building',
  }),
  'vat.reno6.fossilBoilerEligible': dated(
    { value: true, unit: 'flag', legalRef: `${RENO6}; ${VAT_CODE}`, confidence: 'confirmed', override: 'none', validTo: '2025-07-28' },
    {
      value: false, unit: 'flag', legalRef: `${RENO6}; ${VAT_CODE}`, confidence: 'confirmed', override: 'none', validFrom: '2025-07-29',
      note: 'supply and installation of fossil-fuel boilers (gas, oil) at 21 % since 2025-07-29',
    },
  ),
  'funds.reserve.mandatoryAfterYears': one({
    value: 5, unit: 'years', comparator: '>=', legalRef: 'C. civ. art. 3.86 §3', confidence: 'confirmed', override: 'none',
    note: 'after the réception provisoire of the common parts',
  }),
  'funds.reserve.minAnnualRate': one({
    value: 500, unit: 'basisPoints', comparator: '>=', legalRef: 'C. civ. art. 3.86 §3', confidence: 'confirmed', override: 'stricterOnly',
    note: "of the previous financial year's total ordinary common charges",
  }),
  'funds.reserve.waiverMajority': one({
    value: ratio(4, 5), unit: 'ratio', comparator: '>=', legalRef: 'C. civ. art. 3.86 §3', confidence: 'confirmed', override: 'none',
    note: 'to decide not to constitute the reserve fund; whether 4/5 may also set a lower amount is to verify (§12 Q10)',
  }),
  'funds.separateAccounts': one({
    value: true, unit: 'flag', legalRef: 'C. civ. art. 3.86 §3', confidence: 'confirmed', override: 'none',
    note: "working capital and reserve fund on separate bank accounts, both in the ACP's name",
  }),
  'funds.reserve.refundOnSale': one({
    value: false, unit: 'flag', legalRef: 'C. civ. art. 3.86 §3, 3.94', confidence: 'confirmed', override: 'none',
    note: "the seller's reserve-fund share stays with the ACP",
  }),
  'accounting.pcmn.mandatoryMinLots': one({
    value: 20, unit: 'count', comparator: '>=', legalRef: 'C. civ. art. 3.89 §5; AR 12 July 2012', confidence: 'confirmed', override: 'none',
    note: 'not counting cellars, garages and parkings; the product keeps double entry for every ACP',
  }),
  'accounting.pcmn.fromFinancialYear': one({
    value: '2013-01-01', unit: 'date', legalRef: 'AR 12 July 2012 (M.B. 3 Aug 2012), amended by AR 18 Apr 2013', confidence: 'confirmed', override: 'none',
    note: 'financial years starting on or after this date',
  }),
  'accounting.simplified.minContent': one({
    value: ['receiptsAndExpenses', 'cashPositionAndMovements', 'workingCapitalAndReserveFund', 'ownersReceivablesAndDebts'] as const,
    unit: 'code', legalRef: 'AR 12 July 2012', confidence: 'confirmed', override: 'none',
  }),
  'retention.books.years': one({
    value: 7, unit: 'years', comparator: '>=', legalRef: 'CDE art. III.88', confidence: 'confirmed', override: 'stricterOnly',
  }),
  'retention.supportingDocs.years': one({
    value: 7, unit: 'years', comparator: '>=', legalRef: 'CDE art. III.86', confidence: 'confirmed', override: 'stricterOnly',
    note: 'see retention.supportingDocs.nonEvidenceYears for documents that are not evidence against third parties',
  }),
  'retention.supportingDocs.nonEvidenceYears': one({
    value: 3, unit: 'years', comparator: '>=', legalRef: 'CDE art. III.86', confidence: 'confirmed', override: 'stricterOnly',
  }),
  'retention.tax.years': one({
    value: 10, unit: 'years', comparator: '>=', legalRef: 'Income tax and VAT codes', confidence: 'confirmed', override: 'stricterOnly',
    validFrom: '2023-01-01', note: '10 years since 2023 (§12 Q13: 7 or 10 years for ACP books)',
  }),
  'retention.platformDefault.years': one({
    value: 10, unit: 'years', legalRef: 'product choice serving CDE art. III.86/III.88 and the tax codes (rules doc §5)',
    confidence: 'product-choice', override: 'stricterOnly', note: 'PV register, statutes and registry are kept permanently',
  }),
} as const;
