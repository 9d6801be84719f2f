import type { DraftLocale, ReminderLevel } from './placeholders.domain.ts';

/**
 * Deterministic reminder templates, per level × language, with every legal mention as a placeholder
 * (belgian-rules §7.1). Used when no edge node can write the draft, when every attempt failed, or on the
 * syndic's request; the legal frame is also appended to a node's text that lacks a mention. Pure.
 */
export const TEMPLATE_VERSION = 'reminder-v1';

interface LevelTexts { subject: string; opening: string; frame: string }

const T: Readonly<Record<DraftLocale, Readonly<Record<ReminderLevel, LevelTexts>>>> = {
  fr: {
    Gentle: {
      subject: 'Rappel : {{CHARGE}} échu le {{DUE_DATE}}',
      opening: 'Madame, Monsieur {{OWNER_NAME}},\n\nSauf erreur de notre part, le montant de {{AMOUNT_DUE}} dû pour {{CHARGE}} (lot {{LOT}}, {{BUILDING}}), échu le {{DUE_DATE}}, ne nous est pas encore parvenu. Nous vous remercions de le verser sur le compte {{IBAN}} avec la communication {{PAYMENT_REF}}.',
      frame: 'Créancier : {{CREDITOR}}, numéro d\'entreprise {{ENTERPRISE_NUMBER}}. Montant restant dû : {{AMOUNT_DUE}} pour {{CHARGE}}, échu le {{DUE_DATE}}. Si ce montant n\'est pas payé au plus tard le {{DEADLINE_DATE}} (délai de quatorze jours), une indemnité de {{INDEMNITY}} pourra être réclamée. Ce premier rappel est gratuit.',
    },
    Formal: {
      subject: 'Second rappel : {{CHARGE}} impayé',
      opening: 'Madame, Monsieur {{OWNER_NAME}},\n\nMalgré notre premier rappel, le montant de {{AMOUNT_DUE}} échu le {{DUE_DATE}} reste impayé. Nous vous prions de le verser sur le compte {{IBAN}} avec la communication {{PAYMENT_REF}}. Un plan de paiement peut vous être proposé sur demande.',
      frame: 'Créancier : {{CREDITOR}}, numéro d\'entreprise {{ENTERPRISE_NUMBER}}. Indemnité forfaitaire réclamée : {{INDEMNITY}}. Délai de paiement : {{DEADLINE_DATE}}.',
    },
    FinalNotice: {
      subject: 'Mise en demeure : {{CHARGE}}',
      opening: 'Madame, Monsieur {{OWNER_NAME}},\n\nPar la présente, nous vous mettons en demeure de payer {{AMOUNT_DUE}}, échu le {{DUE_DATE}}, sur le compte {{IBAN}} avec la communication {{PAYMENT_REF}}.',
      frame: 'Créancier : {{CREDITOR}}, numéro d\'entreprise {{ENTERPRISE_NUMBER}}. À défaut de paiement au plus tard le {{DEADLINE_DATE}}, nous introduirons une action en justice sans autre avis.',
    },
    LegalAction: {
      subject: 'Transmission du dossier : {{CHARGE}}',
      opening: 'Madame, Monsieur {{OWNER_NAME}},\n\nLe montant de {{AMOUNT_DUE}}, échu le {{DUE_DATE}}, reste impayé malgré notre mise en demeure. Le dossier est transmis pour action en justice. Un paiement sur le compte {{IBAN}} avec la communication {{PAYMENT_REF}} reste possible.',
      frame: 'Créancier : {{CREDITOR}}, numéro d\'entreprise {{ENTERPRISE_NUMBER}}.',
    },
  },
  nl: {
    Gentle: {
      subject: 'Herinnering: {{CHARGE}} vervallen op {{DUE_DATE}}',
      opening: 'Geachte {{OWNER_NAME}},\n\nBehoudens vergissing hebben wij het bedrag van {{AMOUNT_DUE}} voor {{CHARGE}} (kavel {{LOT}}, {{BUILDING}}), vervallen op {{DUE_DATE}}, nog niet ontvangen. Gelieve het te storten op rekening {{IBAN}} met de mededeling {{PAYMENT_REF}}.',
      frame: 'Schuldeiser: {{CREDITOR}}, ondernemingsnummer {{ENTERPRISE_NUMBER}}. Openstaand bedrag: {{AMOUNT_DUE}} voor {{CHARGE}}, vervallen op {{DUE_DATE}}. Als dit bedrag niet uiterlijk op {{DEADLINE_DATE}} betaald is (termijn van veertien dagen), kan een schadevergoeding van {{INDEMNITY}} gevorderd worden. Deze eerste herinnering is kosteloos.',
    },
    Formal: {
      subject: 'Tweede herinnering: {{CHARGE}} onbetaald',
      opening: 'Geachte {{OWNER_NAME}},\n\nOndanks onze eerste herinnering blijft het bedrag van {{AMOUNT_DUE}}, vervallen op {{DUE_DATE}}, onbetaald. Gelieve het te storten op rekening {{IBAN}} met de mededeling {{PAYMENT_REF}}. Op verzoek kan een afbetalingsplan worden voorgesteld.',
      frame: 'Schuldeiser: {{CREDITOR}}, ondernemingsnummer {{ENTERPRISE_NUMBER}}. Gevorderde forfaitaire schadevergoeding: {{INDEMNITY}}. Betalingstermijn: {{DEADLINE_DATE}}.',
    },
    FinalNotice: {
      subject: 'Ingebrekestelling: {{CHARGE}}',
      opening: 'Geachte {{OWNER_NAME}},\n\nHierbij stellen wij u in gebreke om {{AMOUNT_DUE}}, vervallen op {{DUE_DATE}}, te betalen op rekening {{IBAN}} met de mededeling {{PAYMENT_REF}}.',
      frame: 'Schuldeiser: {{CREDITOR}}, ondernemingsnummer {{ENTERPRISE_NUMBER}}. Zonder betaling uiterlijk op {{DEADLINE_DATE}} stellen wij zonder verdere verwittiging een rechtsvordering in.',
    },
    LegalAction: {
      subject: 'Overdracht van het dossier: {{CHARGE}}',
      opening: 'Geachte {{OWNER_NAME}},\n\nHet bedrag van {{AMOUNT_DUE}}, vervallen op {{DUE_DATE}}, blijft onbetaald ondanks onze ingebrekestelling. Het dossier wordt overgedragen voor een rechtsvordering. Betaling op rekening {{IBAN}} met de mededeling {{PAYMENT_REF}} blijft mogelijk.',
      frame: 'Schuldeiser: {{CREDITOR}}, ondernemingsnummer {{ENTERPRISE_NUMBER}}.',
    },
  },
  de: {
    Gentle: {
      subject: 'Erinnerung: {{CHARGE}} fällig am {{DUE_DATE}}',
      opening: 'Sehr geehrte(r) {{OWNER_NAME}},\n\nsofern wir uns nicht irren, ist der Betrag von {{AMOUNT_DUE}} für {{CHARGE}} (Los {{LOT}}, {{BUILDING}}), fällig am {{DUE_DATE}}, noch nicht bei uns eingegangen. Bitte überweisen Sie ihn auf das Konto {{IBAN}} mit der Mitteilung {{PAYMENT_REF}}.',
      frame: 'Gläubiger: {{CREDITOR}}, Unternehmensnummer {{ENTERPRISE_NUMBER}}. Offener Betrag: {{AMOUNT_DUE}} für {{CHARGE}}, fällig am {{DUE_DATE}}. Wird dieser Betrag nicht bis zum {{DEADLINE_DATE}} gezahlt (Frist von vierzehn Tagen), kann eine Entschädigung von {{INDEMNITY}} gefordert werden. Diese erste Erinnerung ist kostenlos.',
    },
    Formal: {
      subject: 'Zweite Erinnerung: {{CHARGE}} unbezahlt',
      opening: 'Sehr geehrte(r) {{OWNER_NAME}},\n\ntrotz unserer ersten Erinnerung ist der Betrag von {{AMOUNT_DUE}}, fällig am {{DUE_DATE}}, weiterhin unbezahlt. Bitte überweisen Sie ihn auf das Konto {{IBAN}} mit der Mitteilung {{PAYMENT_REF}}. Auf Anfrage kann ein Zahlungsplan vereinbart werden.',
      frame: 'Gläubiger: {{CREDITOR}}, Unternehmensnummer {{ENTERPRISE_NUMBER}}. Geforderte Pauschalentschädigung: {{INDEMNITY}}. Zahlungsfrist: {{DEADLINE_DATE}}.',
    },
    FinalNotice: {
      subject: 'Inverzugsetzung: {{CHARGE}}',
      opening: 'Sehr geehrte(r) {{OWNER_NAME}},\n\nhiermit setzen wir Sie in Verzug, den Betrag von {{AMOUNT_DUE}}, fällig am {{DUE_DATE}}, auf das Konto {{IBAN}} mit der Mitteilung {{PAYMENT_REF}} zu zahlen.',
      frame: 'Gläubiger: {{CREDITOR}}, Unternehmensnummer {{ENTERPRISE_NUMBER}}. Ohne Zahlung bis zum {{DEADLINE_DATE}} leiten wir ohne weitere Mitteilung gerichtliche Schritte ein.',
    },
    LegalAction: {
      subject: 'Weitergabe der Akte: {{CHARGE}}',
      opening: 'Sehr geehrte(r) {{OWNER_NAME}},\n\nder Betrag von {{AMOUNT_DUE}}, fällig am {{DUE_DATE}}, ist trotz unserer Inverzugsetzung unbezahlt. Die Akte wird für gerichtliche Schritte weitergegeben. Eine Zahlung auf das Konto {{IBAN}} mit der Mitteilung {{PAYMENT_REF}} ist weiterhin möglich.',
      frame: 'Gläubiger: {{CREDITOR}}, Unternehmensnummer {{ENTERPRISE_NUMBER}}.',
    },
  },
  en: {
    Gentle: {
      subject: 'Reminder: {{CHARGE}} due on {{DUE_DATE}}',
      opening: 'Dear {{OWNER_NAME}},\n\nUnless we are mistaken, the amount of {{AMOUNT_DUE}} for {{CHARGE}} (lot {{LOT}}, {{BUILDING}}), due on {{DUE_DATE}}, has not reached us yet. Please pay it to account {{IBAN}} with the reference {{PAYMENT_REF}}.',
      frame: 'Creditor: {{CREDITOR}}, enterprise number {{ENTERPRISE_NUMBER}}. Amount still due: {{AMOUNT_DUE}} for {{CHARGE}}, due on {{DUE_DATE}}. If this amount is not paid by {{DEADLINE_DATE}} (a fourteen-day deadline), an indemnity of {{INDEMNITY}} may be claimed. This first reminder is free of charge.',
    },
    Formal: {
      subject: 'Second reminder: {{CHARGE}} unpaid',
      opening: 'Dear {{OWNER_NAME}},\n\nDespite our first reminder, the amount of {{AMOUNT_DUE}} due on {{DUE_DATE}} is still unpaid. Please pay it to account {{IBAN}} with the reference {{PAYMENT_REF}}. A payment plan can be offered on request.',
      frame: 'Creditor: {{CREDITOR}}, enterprise number {{ENTERPRISE_NUMBER}}. Flat-rate indemnity claimed: {{INDEMNITY}}. Payment deadline: {{DEADLINE_DATE}}.',
    },
    FinalNotice: {
      subject: 'Formal notice: {{CHARGE}}',
      opening: 'Dear {{OWNER_NAME}},\n\nWe hereby give you formal notice to pay {{AMOUNT_DUE}}, due on {{DUE_DATE}}, to account {{IBAN}} with the reference {{PAYMENT_REF}}.',
      frame: 'Creditor: {{CREDITOR}}, enterprise number {{ENTERPRISE_NUMBER}}. Failing payment by {{DEADLINE_DATE}}, we will bring legal action without further notice.',
    },
    LegalAction: {
      subject: 'File handed over: {{CHARGE}}',
      opening: 'Dear {{OWNER_NAME}},\n\nThe amount of {{AMOUNT_DUE}}, due on {{DUE_DATE}}, is still unpaid despite our formal notice. The file is handed over for legal action. Payment to account {{IBAN}} with the reference {{PAYMENT_REF}} remains possible.',
      frame: 'Creditor: {{CREDITOR}}, enterprise number {{ENTERPRISE_NUMBER}}.',
    },
  },
};

/** The deterministic draft: subject, then the opening and the legal frame. */
export function reminderTemplate(level: ReminderLevel, locale: DraftLocale): { subject: string; body: string } {
  const t = T[locale][level];
  return { subject: t.subject, body: `${t.opening}\n\n${t.frame}` };
}

/** The legal frame alone, appended under a node's text that lacks a mandatory mention. */
export function legalFrame(level: ReminderLevel, locale: DraftLocale): string {
  return T[locale][level].frame;
}
