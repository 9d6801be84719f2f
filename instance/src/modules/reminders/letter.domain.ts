import { formatAmount, formatDate, formatIban, winAnsiSafe, type PdfLanguage } from '../calls/call-pdf.domain.ts';
import { legalValue } from '../../jurisdictions/be.ts';
import type { Breakdown } from './breakdown.domain.ts';
import type { Level } from './ladder.domain.ts';
import { addDays } from './working-days.domain.ts';

/**
 * The words of a reminder letter per level, in the owner's language (fr, nl, de, en), with the
 * mentions each level must carry (rules doc §7, R29; §7.1). Pure: reminder-letter.ts lays them out.
 *   Gentle:      amount still due, the indemnity that will be claimed if unpaid within the grace
 *                period, creditor's name and enterprise number, the charge and its due date, the
 *                14-day deadline (and its last day), free of charge.
 *   Formal:      the breakdown (fee, postage, the one indemnity, interest day by day), payment plan offer.
 *   FinalNotice: formal notice (mise en demeure), by registered letter with its tracking number,
 *                last deadline of collection.finalNotice.deadlineDays days, legal action announced.
 *   LegalAction: the claim goes to the justice of the peace; amicable-stage costs are not charged.
 */

export interface LetterData {
  language: PdfLanguage;
  level: Level;
  /** The day of the letter (the sending date; the draft's date for a preview). */
  date: string;
  associationName: string;
  enterpriseNumber: string | null;
  ownerName: string;
  periodLabel: string;
  dueDate: string;
  iban: string | null;
  /** `+++ddd/dddd/ddddd+++`. */
  structuredCommunication: string;
  amounts: Breakdown;
  registeredMail: boolean;
  trackingNumber: string | null;
  consumerSafe: boolean;
}

interface Words {
  title: Record<Level, string>;
  creditor: string; enterprise: string; owner: string; charge: string; dueDate: string; date: string;
  principal: string; fee: string; postage: string; indemnity: string; interest: string; earlier: string; total: string;
  iban: string; communication: string; registered: string; tracking: string; notYet: string;
  interestLine: (from: string, to: string, rate: string) => string;
  gentle: (deadline: string, indemnity: string) => string[];
  formal: string[];
  finalNotice: (deadline: string) => string[];
  legalAction: (consumerSafe: boolean) => string[];
}

const W: Readonly<Record<PdfLanguage, Words>> = {
  fr: {
    title: { Gentle: 'Rappel de paiement', Formal: 'Second rappel', FinalNotice: 'Mise en demeure', LegalAction: 'Transmission au juge de paix' },
    creditor: 'Créancier', enterprise: 'Numéro d\'entreprise', owner: 'Copropriétaire', charge: 'Objet', dueDate: 'Échéance', date: 'Date',
    principal: 'Montant restant dû', fee: 'Frais de rappel', postage: 'Frais postaux', indemnity: 'Indemnité forfaitaire',
    interest: 'Intérêts de retard', earlier: 'Frais des rappels précédents', total: 'Total à payer', iban: 'IBAN',
    communication: 'Communication structurée', registered: 'Envoi recommandé', tracking: 'Numéro de suivi', notYet: 'à compléter',
    interestLine: (f, t, r) => `Intérêts du ${f} au ${t} au taux annuel de ${r}, jour par jour, sur le montant restant dû.`,
    gentle: (d, i) => [
      'Ce premier rappel est gratuit.',
      `Vous disposez d'un délai de 14 jours pour payer, soit au plus tard le ${d}.`,
      `À défaut de paiement dans ce délai, une indemnité forfaitaire de ${i} ainsi que des intérêts de retard pourront être réclamés (CDE livre XIX).`],
    formal: ['Le délai de 14 jours du premier rappel est expiré.', 'Vous pouvez demander un plan de paiement au syndic.'],
    finalNotice: (d) => [`Nous vous mettons en demeure de payer le total ci-dessus au plus tard le ${d}.`,
      'À défaut, l\'association introduira une action en justice devant le juge de paix.'],
    legalAction: (cs) => ['Le dossier est transmis pour citation devant le juge de paix.',
      ...(cs ? ['Les frais de la phase amiable ne sont pas mis à votre charge.'] : [])],
  },
  nl: {
    title: { Gentle: 'Betalingsherinnering', Formal: 'Tweede herinnering', FinalNotice: 'Ingebrekestelling', LegalAction: 'Overdracht aan de vrederechter' },
    creditor: 'Schuldeiser', enterprise: 'Ondernemingsnummer', owner: 'Mede-eigenaar', charge: 'Betreft', dueDate: 'Vervaldag', date: 'Datum',
    principal: 'Nog verschuldigd bedrag', fee: 'Herinneringskosten', postage: 'Portkosten', indemnity: 'Forfaitaire schadevergoeding',
    interest: 'Verwijlinteresten', earlier: 'Kosten van vorige herinneringen', total: 'Totaal te betalen', iban: 'IBAN',
    communication: 'Gestructureerde mededeling', registered: 'Aangetekende zending', tracking: 'Volgnummer', notYet: 'in te vullen',
    interestLine: (f, t, r) => `Interesten van ${f} tot ${t} tegen een jaarlijkse rentevoet van ${r}, dag per dag, op het nog verschuldigde bedrag.`,
    gentle: (d, i) => [
      'Deze eerste herinnering is kosteloos.',
      `U beschikt over een termijn van 14 dagen om te betalen, uiterlijk op ${d}.`,
      `Bij gebrek aan betaling binnen die termijn kunnen een forfaitaire schadevergoeding van ${i} en verwijlinteresten gevorderd worden (WER boek XIX).`],
    formal: ['De termijn van 14 dagen van de eerste herinnering is verstreken.', 'U kunt de syndicus om een afbetalingsplan vragen.'],
    finalNotice: (d) => [`Wij stellen u in gebreke het bovenstaande totaal uiterlijk op ${d} te betalen.`,
      'Zo niet, dan stelt de vereniging een rechtsvordering in bij de vrederechter.'],
    legalAction: (cs) => ['Het dossier wordt overgedragen voor dagvaarding voor de vrederechter.',
      ...(cs ? ['De kosten van de minnelijke fase worden niet aan u aangerekend.'] : [])],
  },
  de: {
    title: { Gentle: 'Zahlungserinnerung', Formal: 'Zweite Mahnung', FinalNotice: 'Inverzugsetzung', LegalAction: 'Übergabe an den Friedensrichter' },
    creditor: 'Gläubiger', enterprise: 'Unternehmensnummer', owner: 'Miteigentümer', charge: 'Betreff', dueDate: 'Fälligkeit', date: 'Datum',
    principal: 'Noch geschuldeter Betrag', fee: 'Mahngebühr', postage: 'Portokosten', indemnity: 'Pauschale Entschädigung',
    interest: 'Verzugszinsen', earlier: 'Kosten früherer Mahnungen', total: 'Zu zahlender Gesamtbetrag', iban: 'IBAN',
    communication: 'Strukturierte Mitteilung', registered: 'Einschreiben', tracking: 'Sendungsnummer', notYet: 'auszufüllen',
    interestLine: (f, t, r) => `Zinsen vom ${f} bis ${t} zum Jahreszinssatz von ${r}, Tag für Tag, auf den noch geschuldeten Betrag.`,
    gentle: (d, i) => [
      'Diese erste Erinnerung ist kostenlos.',
      `Sie haben eine Frist von 14 Tagen, um zu zahlen, spätestens am ${d}.`,
      `Ohne Zahlung innerhalb dieser Frist können eine pauschale Entschädigung von ${i} und Verzugszinsen gefordert werden (WGB Buch XIX).`],
    formal: ['Die 14-tägige Frist der ersten Erinnerung ist abgelaufen.', 'Sie können beim Syndikus einen Zahlungsplan beantragen.'],
    finalNotice: (d) => [`Wir setzen Sie in Verzug, den obigen Gesamtbetrag spätestens am ${d} zu zahlen.`,
      'Andernfalls erhebt die Vereinigung Klage beim Friedensrichter.'],
    legalAction: (cs) => ['Die Akte wird zur Ladung vor den Friedensrichter übergeben.',
      ...(cs ? ['Die Kosten der gütlichen Phase werden Ihnen nicht in Rechnung gestellt.'] : [])],
  },
  en: {
    title: { Gentle: 'Payment reminder', Formal: 'Second reminder', FinalNotice: 'Formal notice', LegalAction: 'Referral to the justice of the peace' },
    creditor: 'Creditor', enterprise: 'Enterprise number', owner: 'Owner', charge: 'Regarding', dueDate: 'Due date', date: 'Date',
    principal: 'Amount still due', fee: 'Reminder fee', postage: 'Postage', indemnity: 'Flat-rate indemnity',
    interest: 'Late interest', earlier: 'Charges of earlier reminders', total: 'Total to pay', iban: 'IBAN',
    communication: 'Structured communication', registered: 'Registered mail', tracking: 'Tracking number', notYet: 'to be completed',
    interestLine: (f, t, r) => `Interest from ${f} to ${t} at a yearly rate of ${r}, day by day, on the amount still due.`,
    gentle: (d, i) => [
      'This first reminder is free of charge.',
      `You have 14 days to pay, that is by ${d} at the latest.`,
      `If unpaid within this period, a flat-rate indemnity of ${i} and late interest may be claimed (Code of Economic Law, Book XIX).`],
    formal: ['The 14-day period of the first reminder has expired.', 'You may ask the syndic for a payment plan.'],
    finalNotice: (d) => [`We hereby give you formal notice to pay the total above by ${d} at the latest.`,
      'Failing that, the association will bring an action before the justice of the peace.'],
    legalAction: (cs) => ['The file is handed over for a summons before the justice of the peace.',
      ...(cs ? ['The costs of the amicable stage are not charged to you.'] : [])],
  },
};

const percent = (bp: number, lang: PdfLanguage) => {
  const text = `${Math.trunc(bp / 100)}${lang === 'en' ? '.' : ','}${String(bp % 100).padStart(2, '0')} %`;
  return text;
};

export interface LetterText { title: string; rows: [string, string][]; amounts: [string, string][]; paragraphs: string[] }

/** The letter's texts in reading order, in characters the standard PDF fonts can draw. */
export function letterText(d: LetterData): LetterText {
  const w = W[d.language];
  const money = (c: number) => formatAmount(c, d.language);
  const day = (s: string) => formatDate(s, d.language);
  const a = d.amounts;
  const rows: [string, string][] = [
    [w.date, day(d.date)],
    [w.creditor, d.associationName],
    [w.enterprise, d.enterpriseNumber ?? '-'],
    [w.owner, d.ownerName],
    [w.charge, d.periodLabel],
    [w.dueDate, day(d.dueDate)],
  ];
  if (d.registeredMail) rows.push([w.registered, w.tracking + ': ' + (d.trackingNumber ?? w.notYet)]);
  const amounts: [string, string][] = [[w.principal, money(a.principalCents)]];
  if (a.feeCents) amounts.push([w.fee, money(a.feeCents)]);
  if (a.postageCents) amounts.push([w.postage, money(a.postageCents)]);
  if (a.indemnityCents) amounts.push([w.indemnity, money(a.indemnityCents)]);
  if (a.interestCents) amounts.push([w.interest, money(a.interestCents)]);
  if (a.earlierChargesCents) amounts.push([w.earlier, money(a.earlierChargesCents)]);
  amounts.push([w.total, money(a.totalCents)]);
  if (d.iban) amounts.push([w.iban, formatIban(d.iban)]);
  amounts.push([w.communication, d.structuredCommunication]);
  const paragraphs: string[] = [];
  for (const s of a.interestSegments) paragraphs.push(w.interestLine(day(s.from), day(addDays(s.to, -1)), percent(s.rateBp, d.language)));
  // Gentle: the last day of the 14-day grace is the day before T1 (R30).
  const lastGraceDay = a.t1 ? addDays(a.t1, -1) : addDays(d.date, legalValue('collection.graceDays'));
  if (d.level === 'Gentle') paragraphs.push(...w.gentle(day(lastGraceDay), money(a.announcedIndemnityCents)));
  if (d.level === 'Formal') paragraphs.push(...w.formal);
  if (d.level === 'FinalNotice') paragraphs.push(...w.finalNotice(day(addDays(d.date, legalValue('collection.finalNotice.deadlineDays')))));
  if (d.level === 'LegalAction') paragraphs.push(...w.legalAction(d.consumerSafe));
  const safe = (p: [string, string]): [string, string] => [winAnsiSafe(p[0]), winAnsiSafe(p[1])];
  return { title: winAnsiSafe(w.title[d.level]), rows: rows.map(safe), amounts: amounts.map(safe), paragraphs: paragraphs.map(winAnsiSafe) };
}

/** The e-mail subject and body that carry the letter. */
export function letterMail(d: LetterData): { subject: string; text: string } {
  const t = letterText(d);
  const subject = `${t.title} – ${d.periodLabel}`.slice(0, 500);
  const lines = [...t.rows, ...t.amounts].map(([k, v]) => `${k}: ${v}`);
  return { subject, text: [t.title, '', ...lines, '', ...t.paragraphs].join('\n') };
}
