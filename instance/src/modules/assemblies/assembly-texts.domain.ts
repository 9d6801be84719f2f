import type { Majority } from './majority.domain.ts';
import type { MeetingKind } from './meetings.domain.ts';

/**
 * The words of assembly documents (convocation with proxy form, minutes) in fr, nl, de and en.
 * Pure: the renderer (assembly-pdf.ts) lays out the blocks these functions return.
 */

export type DocLanguage = 'fr' | 'nl' | 'de' | 'en';
export interface DocBlock { heading?: string; lines: string[] }
export interface DocText { title: string; blocks: DocBlock[] }

interface Words {
  kind: Record<MeetingKind, string>; convocation: string; to: string; date: string; time: string; place: string; remote: string;
  agenda: string; resolution: string; majority: Record<Majority, string>; documents: string; documentsDefault: string;
  proxyTitle: string; proxyText: string; proxyRules: string; minutes: string; attendance: string; present: string; remoteMode: string;
  represented: string; by: string; quorum: string; reached: string; notReached: string; voteFor: string; voteAgainst: string;
  abstention: string; adopted: string; rejected: string; required: string; obtained: string; againstNames: string; abstainedNames: string;
  signatures: string; none: string; votesCast: string; association: string;
}

const W: Readonly<Record<DocLanguage, Words>> = {
  fr: {
    kind: { ordinary: 'Assemblée générale ordinaire', extraordinary: 'Assemblée générale extraordinaire', second_session: 'Seconde assemblée générale' },
    convocation: 'Convocation', to: 'Destinataire', date: 'Date', time: 'Heure', place: 'Lieu', remote: 'Participation à distance',
    agenda: 'Ordre du jour', resolution: 'Proposition de décision', majority: { absolute: 'majorité absolue', twoThirds: 'majorité des 2/3', fourFifths: 'majorité des 4/5', unanimity: 'unanimité' },
    documents: 'Consultation des documents', documentsDefault: 'Les documents relatifs à l\'ordre du jour peuvent être consultés auprès du syndic sur demande.',
    proxyTitle: 'Procuration', proxyText: 'Je soussigné(e) ........................ donne procuration à ........................ pour me représenter à cette assemblée et, sauf mention contraire, à la seconde assemblée. Date et signature :',
    proxyRules: 'Le mandataire doit être nommément désigné; le syndic ne peut pas être mandataire; nul ne peut détenir plus de trois procurations, sauf si ses voix et celles de ses mandants ne dépassent pas 10 % du total (C. civ. art. 3.87 §7).',
    minutes: 'Procès-verbal', attendance: 'Présences', present: 'présent', remoteMode: 'à distance', represented: 'représenté', by: 'par',
    quorum: 'Quorum', reached: 'atteint', notReached: 'non atteint', voteFor: 'Pour', voteAgainst: 'Contre', abstention: 'Abstentions, blancs et nuls',
    adopted: 'ADOPTÉE', rejected: 'REJETÉE', required: 'Majorité requise', obtained: 'Résultat', againstNames: 'Ont voté contre',
    abstainedNames: 'Se sont abstenus', signatures: 'Signatures', none: 'personne', votesCast: 'voix exprimées', association: 'Association des copropriétaires',
  },
  nl: {
    kind: { ordinary: 'Gewone algemene vergadering', extraordinary: 'Buitengewone algemene vergadering', second_session: 'Tweede algemene vergadering' },
    convocation: 'Oproeping', to: 'Geadresseerde', date: 'Datum', time: 'Uur', place: 'Plaats', remote: 'Deelname op afstand',
    agenda: 'Agenda', resolution: 'Voorstel van besluit', majority: { absolute: 'volstrekte meerderheid', twoThirds: 'meerderheid van 2/3', fourFifths: 'meerderheid van 4/5', unanimity: 'eenparigheid' },
    documents: 'Inzage van de stukken', documentsDefault: 'De stukken bij de agenda kunnen op verzoek bij de syndicus worden ingezien.',
    proxyTitle: 'Volmacht', proxyText: 'Ondergetekende ........................ geeft volmacht aan ........................ om mij op deze vergadering en, tenzij anders vermeld, op de tweede vergadering te vertegenwoordigen. Datum en handtekening:',
    proxyRules: 'De volmachthouder moet bij naam worden aangewezen; de syndicus kan geen volmachthouder zijn; niemand mag meer dan drie volmachten houden, tenzij zijn stemmen en die van zijn volmachtgevers niet meer dan 10 % van het totaal bedragen (BW art. 3.87 §7).',
    minutes: 'Notulen', attendance: 'Aanwezigheden', present: 'aanwezig', remoteMode: 'op afstand', represented: 'vertegenwoordigd', by: 'door',
    quorum: 'Quorum', reached: 'bereikt', notReached: 'niet bereikt', voteFor: 'Voor', voteAgainst: 'Tegen', abstention: 'Onthoudingen, blanco en ongeldig',
    adopted: 'AANGENOMEN', rejected: 'VERWORPEN', required: 'Vereiste meerderheid', obtained: 'Uitslag', againstNames: 'Stemden tegen',
    abstainedNames: 'Onthielden zich', signatures: 'Handtekeningen', none: 'niemand', votesCast: 'uitgebrachte stemmen', association: 'Vereniging van mede-eigenaars',
  },
  de: {
    kind: { ordinary: 'Ordentliche Generalversammlung', extraordinary: 'Außerordentliche Generalversammlung', second_session: 'Zweite Generalversammlung' },
    convocation: 'Einberufung', to: 'Empfänger', date: 'Datum', time: 'Uhrzeit', place: 'Ort', remote: 'Teilnahme aus der Ferne',
    agenda: 'Tagesordnung', resolution: 'Beschlussvorschlag', majority: { absolute: 'absolute Mehrheit', twoThirds: 'Zweidrittelmehrheit', fourFifths: 'Vierfünftelmehrheit', unanimity: 'Einstimmigkeit' },
    documents: 'Einsicht in die Unterlagen', documentsDefault: 'Die Unterlagen zur Tagesordnung können auf Anfrage beim Syndikus eingesehen werden.',
    proxyTitle: 'Vollmacht', proxyText: 'Der/Die Unterzeichnete ........................ bevollmächtigt ........................, mich in dieser Versammlung und, sofern nicht anders angegeben, in der zweiten Versammlung zu vertreten. Datum und Unterschrift:',
    proxyRules: 'Der Bevollmächtigte muss namentlich benannt sein; der Syndikus kann nicht bevollmächtigt werden; niemand darf mehr als drei Vollmachten halten, es sei denn, seine Stimmen und die seiner Vollmachtgeber übersteigen nicht 10 % der Gesamtstimmen (ZGB Art. 3.87 §7).',
    minutes: 'Protokoll', attendance: 'Anwesenheit', present: 'anwesend', remoteMode: 'aus der Ferne', represented: 'vertreten', by: 'durch',
    quorum: 'Quorum', reached: 'erreicht', notReached: 'nicht erreicht', voteFor: 'Dafür', voteAgainst: 'Dagegen', abstention: 'Enthaltungen, leer und ungültig',
    adopted: 'ANGENOMMEN', rejected: 'ABGELEHNT', required: 'Erforderliche Mehrheit', obtained: 'Ergebnis', againstNames: 'Dagegen stimmten',
    abstainedNames: 'Enthielten sich', signatures: 'Unterschriften', none: 'niemand', votesCast: 'abgegebene Stimmen', association: 'Vereinigung der Miteigentümer',
  },
  en: {
    kind: { ordinary: 'Ordinary general assembly', extraordinary: 'Extraordinary general assembly', second_session: 'Second general assembly' },
    convocation: 'Convocation', to: 'Addressee', date: 'Date', time: 'Time', place: 'Place', remote: 'Remote participation',
    agenda: 'Agenda', resolution: 'Draft resolution', majority: { absolute: 'absolute majority', twoThirds: '2/3 majority', fourFifths: '4/5 majority', unanimity: 'unanimity' },
    documents: 'Consulting the documents', documentsDefault: 'The documents related to the agenda can be consulted at the syndic\'s office on request.',
    proxyTitle: 'Proxy', proxyText: 'I, the undersigned ........................, appoint ........................ to represent me at this assembly and, unless stated otherwise, at the second assembly. Date and signature:',
    proxyRules: 'The proxy holder must be named; the syndic cannot hold a proxy; nobody may hold more than three proxies, unless their own votes and their principals\' do not exceed 10 % of all votes (Civil Code art. 3.87 §7).',
    minutes: 'Minutes', attendance: 'Attendance', present: 'present', remoteMode: 'remote', represented: 'represented', by: 'by',
    quorum: 'Quorum', reached: 'reached', notReached: 'not reached', voteFor: 'For', voteAgainst: 'Against', abstention: 'Abstentions, blank and null',
    adopted: 'ADOPTED', rejected: 'REJECTED', required: 'Required majority', obtained: 'Result', againstNames: 'Voted against',
    abstainedNames: 'Abstained', signatures: 'Signatures', none: 'nobody', votesCast: 'votes cast', association: 'Owners\' association',
  },
};

export const wordsOf = (language: DocLanguage) => W[language];

export interface ConvocationData {
  language: DocLanguage; buildingName: string; ownerName: string; kind: MeetingKind; meetingDate: string; startTime: string; place: string;
  remoteLink: string | null; documentsInfo: string | null;
  agenda: { position: number; title: string; draftResolution: string | null; majority: Majority | null }[];
}

export function convocationText(d: ConvocationData): DocText {
  const w = W[d.language];
  const agenda = d.agenda.flatMap((i) => [
    `${i.position}. ${i.title}${i.majority ? ` (${w.majority[i.majority]})` : ''}`,
    ...(i.draftResolution ? [`   ${w.resolution}: ${i.draftResolution}`] : []),
  ]);
  return {
    title: `${w.convocation} – ${w.kind[d.kind]}`,
    blocks: [
      { lines: [`${w.association} ${d.buildingName}`, `${w.to}: ${d.ownerName}`] },
      { lines: [`${w.date}: ${d.meetingDate}`, `${w.time}: ${d.startTime}`, `${w.place}: ${d.place}`, ...(d.remoteLink ? [`${w.remote}: ${d.remoteLink}`] : [])] },
      { heading: w.agenda, lines: agenda },
      { heading: w.documents, lines: [d.documentsInfo ?? w.documentsDefault] },
      { heading: w.proxyTitle, lines: [w.proxyText, '', w.proxyRules] },
    ],
  };
}

export interface MinutesData {
  language: DocLanguage; buildingName: string; kind: MeetingKind; meetingDate: string; startTime: string; place: string;
  attendance: { name: string; mode: 'present' | 'remote' | 'represented'; holderName: string; votes: string }[];
  quorum: { reached: boolean; ownersPresent: number; ownersTotal: number; sharesPresent: string; sharesTotal: string } | null;
  items: { position: number; title: string; draftResolution: string | null; majority: Majority | null;
    result: { for: string; against: string; abstention: string; cast: string; adopted: boolean; againstNames: string[]; abstainedNames: string[] } | null }[];
  signatures: { name: string; role: string }[];
}

/** The minutes (PV): attendance, quorum, each resolution with the majority required and obtained, and who voted against or abstained (3.87 §10, §12). */
export function minutesText(d: MinutesData): DocText {
  const w = W[d.language];
  const modeOf = (a: MinutesData['attendance'][number]) =>
    a.mode === 'represented' ? `${w.represented} ${w.by} ${a.holderName}` : a.mode === 'remote' ? w.remoteMode : w.present;
  const items = d.items.map((i): DocBlock => ({
    heading: `${i.position}. ${i.title}`,
    lines: [
      ...(i.draftResolution ? [`${w.resolution}: ${i.draftResolution}`] : []),
      ...(i.majority ? [`${w.required}: ${w.majority[i.majority]}`] : []),
      ...(i.result ? [
        `${w.obtained}: ${w.voteFor} ${i.result.for} – ${w.voteAgainst} ${i.result.against} – ${w.abstention} ${i.result.abstention} (${w.votesCast}: ${i.result.cast})`,
        i.result.adopted ? w.adopted : w.rejected,
        `${w.againstNames}: ${i.result.againstNames.join(', ') || w.none}`,
        `${w.abstainedNames}: ${i.result.abstainedNames.join(', ') || w.none}`,
      ] : []),
    ],
  }));
  return {
    title: `${w.minutes} – ${w.kind[d.kind]}`,
    blocks: [
      { lines: [`${w.association} ${d.buildingName}`, `${w.date}: ${d.meetingDate}`, `${w.time}: ${d.startTime}`, `${w.place}: ${d.place}`] },
      { heading: w.attendance, lines: d.attendance.map((a) => `${a.name} – ${modeOf(a)} – ${a.votes}`) },
      ...(d.quorum ? [{ heading: w.quorum, lines: [`${d.quorum.reached ? w.reached : w.notReached}: ${d.quorum.ownersPresent}/${d.quorum.ownersTotal}, ${d.quorum.sharesPresent}/${d.quorum.sharesTotal}`] }] : []),
      ...items,
      { heading: w.signatures, lines: d.signatures.length ? d.signatures.map((s) => `${s.name} (${s.role})`) : [w.none] },
    ],
  };
}
