import { formatDate } from '../calls/call-pdf.domain.ts';
import { wordsOf } from '../assemblies/assembly-texts.domain.ts';
import type { MeetingKind } from '../assemblies/meetings.domain.ts';
import { NO_REMOTE, PROXY_INTRO } from './convocation-templates.domain.ts';
import type { DraftLocale } from './placeholders.domain.ts';

/**
 * The real values of a convocation's placeholders, from the instance's own meeting record, filled in
 * only after verification, on approval (grid-design §6). {{OWNER_NAME}} is not among them: it is filled
 * per recipient when the convocations are sent. Pure.
 */
export interface MeetingFacts {
  buildingName: string; kind: MeetingKind; meetingDate: string; startTime: string; place: string; remoteLink: string | null;
  documentsInfo: string | null; agenda: { position: number; title: string }[];
}

export function convocationValues(f: MeetingFacts, locale: DraftLocale): Record<string, string> {
  const w = wordsOf(locale);
  const values: Record<string, string> = {
    BUILDING: f.buildingName,
    AG_KIND: w.kind[f.kind],
    AG_DATE: formatDate(f.meetingDate, locale),
    AG_TIME: f.startTime,
    AG_PLACE: f.place,
    DOCUMENTS_INFO: `${w.documents}: ${f.documentsInfo ?? w.documentsDefault}`,
    PROXY_INFO: `${PROXY_INTRO[locale]} ${w.proxyRules}`,
    REMOTE_PARTICIPATION: f.remoteLink ? `${w.remote}: ${f.remoteLink}` : NO_REMOTE[locale],
  };
  // In agenda order: AGENDA_k is the k-th item, shown with the number it has in the PDF.
  f.agenda.forEach((item, i) => { values[`AGENDA_${i + 1}`] = `${item.position}. ${item.title}`; });
  return values;
}
