import { agendaPlaceholders, type DraftLocale } from './placeholders.domain.ts';

/**
 * Deterministic convocation templates per language (the cover text of a convocation: the PDF with the
 * agenda details and the proxy form comes from the assemblies module). Every fact and every legal
 * mention is a placeholder (belgian-rules §2: place, date, time, agenda, consulting the documents,
 * proxy, remote participation when offered); the instance fills them on approval. Pure.
 */
export const CONVOCATION_TEMPLATE_VERSION = 'convocation-v1';

interface Texts { subject: string; opening: string; agenda: string; frame: string; closing: string }

const T: Readonly<Record<DraftLocale, Texts>> = {
  fr: {
    subject: 'Convocation : {{AG_KIND}} du {{AG_DATE}}',
    opening: 'Madame, Monsieur {{OWNER_NAME}},\n\nNous avons l\'honneur de vous convoquer à l\'assemblée générale des copropriétaires de {{BUILDING}} ({{AG_KIND}}), qui se tiendra le {{AG_DATE}} à {{AG_TIME}}, au lieu suivant : {{AG_PLACE}}.',
    agenda: 'Ordre du jour :',
    frame: '{{DOCUMENTS_INFO}}\n\n{{PROXY_INFO}}\n\n{{REMOTE_PARTICIPATION}}',
    closing: 'La convocation officielle, avec l\'ordre du jour détaillé et le formulaire de procuration, est jointe à ce message. Nous vous prions d\'agréer nos salutations distinguées.',
  },
  nl: {
    subject: 'Oproeping: {{AG_KIND}} van {{AG_DATE}}',
    opening: 'Geachte mevrouw, geachte heer {{OWNER_NAME}},\n\nWij nodigen u uit op de algemene vergadering van de mede-eigenaars van {{BUILDING}} ({{AG_KIND}}), die plaatsvindt op {{AG_DATE}} om {{AG_TIME}}, op de volgende plaats: {{AG_PLACE}}.',
    agenda: 'Agenda:',
    frame: '{{DOCUMENTS_INFO}}\n\n{{PROXY_INFO}}\n\n{{REMOTE_PARTICIPATION}}',
    closing: 'De officiële oproeping, met de volledige agenda en het volmachtformulier, is bij dit bericht gevoegd. Met de meeste hoogachting.',
  },
  de: {
    subject: 'Einberufung: {{AG_KIND}} am {{AG_DATE}}',
    opening: 'Sehr geehrte Damen und Herren, sehr geehrte(r) {{OWNER_NAME}},\n\nwir laden Sie zur Generalversammlung der Miteigentümer von {{BUILDING}} ({{AG_KIND}}) ein, die am {{AG_DATE}} um {{AG_TIME}} an folgendem Ort stattfindet: {{AG_PLACE}}.',
    agenda: 'Tagesordnung:',
    frame: '{{DOCUMENTS_INFO}}\n\n{{PROXY_INFO}}\n\n{{REMOTE_PARTICIPATION}}',
    closing: 'Die offizielle Einberufung mit der ausführlichen Tagesordnung und dem Vollmachtsformular ist dieser Nachricht beigefügt. Mit freundlichen Grüßen.',
  },
  en: {
    subject: 'Convocation: {{AG_KIND}} on {{AG_DATE}}',
    opening: 'Dear {{OWNER_NAME}},\n\nWe hereby invite you to the general assembly of the owners of {{BUILDING}} ({{AG_KIND}}), to be held on {{AG_DATE}} at {{AG_TIME}}, at the following place: {{AG_PLACE}}.',
    agenda: 'Agenda:',
    frame: '{{DOCUMENTS_INFO}}\n\n{{PROXY_INFO}}\n\n{{REMOTE_PARTICIPATION}}',
    closing: 'The official convocation, with the detailed agenda and the proxy form, is attached to this message. Yours faithfully.',
  },
};

/** The agenda as placeholder lines, one item a line (numbered by the instance when it fills them). */
export const agendaLines = (count: number): string => agendaPlaceholders(count).map((p) => `{{${p}}}`).join('\n');

export function convocationTemplate(locale: DraftLocale, agendaCount: number): { subject: string; body: string } {
  const t = T[locale];
  return { subject: t.subject, body: `${t.opening}\n\n${t.agenda}\n${agendaLines(agendaCount)}\n\n${t.frame}\n\n${t.closing}` };
}

/** The legal mentions alone, appended under a node's text that lacks one of them. */
export function convocationFrame(locale: DraftLocale): string {
  return T[locale].frame;
}

/** The instance's own wording of the proxy mention (3.87 §7), filled into {{PROXY_INFO}}; the rules come from the PDF's words. */
export const PROXY_INTRO: Readonly<Record<DraftLocale, string>> = {
  fr: 'Vous pouvez vous faire représenter par un mandataire au moyen de la procuration jointe.',
  nl: 'U kunt zich laten vertegenwoordigen door een volmachthouder met de bijgevoegde volmacht.',
  de: 'Sie können sich mit der beigefügten Vollmacht von einem Bevollmächtigten vertreten lassen.',
  en: 'You may be represented by a proxy holder using the attached proxy form.',
};

/** Filled into {{REMOTE_PARTICIPATION}} when the meeting offers no remote participation (3.87 §1). */
export const NO_REMOTE: Readonly<Record<DraftLocale, string>> = {
  fr: 'Aucune participation à distance n\'est prévue pour cette assemblée.',
  nl: 'Voor deze vergadering is geen deelname op afstand voorzien.',
  de: 'Eine Teilnahme aus der Ferne ist für diese Versammlung nicht vorgesehen.',
  en: 'No remote participation is offered for this assembly.',
};
