// Shared by the voter and chair pages: translations, exact fractions, DOM helpers. No framework, no build.

export const LANGUAGES = ['fr', 'nl', 'de', 'en'];

const T = {
  fr: {
    language: 'Langue', connect: 'Se connecter', org: 'Organisation (identifiant)', meeting: 'Assemblée (identifiant)',
    voterToken: 'Code de vote (reçu à l’enregistrement)', voterTitle: 'Voter à l’assemblée générale', chairTitle: 'Présidence de l’assemblée',
    connecting: 'Connexion…', connected: 'Connecté', reconnecting: 'Connexion perdue, reconnexion…', refused: 'Code refusé ou assemblée inconnue.',
    noOpen: 'Aucune résolution n’est ouverte au vote pour l’instant.', majority: 'Majorité requise',
    absolute: 'majorité absolue', twoThirds: 'majorité des 2/3', fourFifths: 'majorité des 4/5', unanimity: 'unanimité',
    for: 'Pour', against: 'Contre', abstention: 'Abstention', votesFor: 'Vote de', recorded: 'Vote enregistré :',
    pending: 'Envoi en attente… (sera envoyé à la reconnexion)', mayChange: 'Vous pouvez changer votre vote jusqu’à la clôture.',
    rejected: 'Vote refusé :', closed: 'Vote clos', adopted: 'Adoptée', notAdopted: 'Rejetée',
    abstentions: 'Abstentions, blancs et nuls', cast: 'voix exprimées',
    ordinary: 'Assemblée générale ordinaire', extraordinary: 'Assemblée générale extraordinaire', second_session: 'Seconde assemblée',
    email: 'E-mail', password: 'Mot de passe', logIn: 'Se connecter', orToken: 'ou jeton d’accès', useToken: 'Utiliser ce jeton',
    building: 'Immeuble', pick: 'Choisir l’assemblée', load: 'Ouvrir', attendance: 'Présences', quorum: 'Quorum',
    reached: 'atteint', notReached: 'non atteint', owners: 'propriétaires', shares: 'quotes-parts', openMeeting: 'Ouvrir la séance',
    openVote: 'Ouvrir le vote', closeVote: 'Clôturer le vote', liveTally: 'Décompte en direct', ballots: 'bulletins',
    pendingVote: 'pas encore ouvert', status: 'Statut', loginFailed: 'Connexion refusée.', error: 'Erreur',
    present: 'présent', remote: 'à distance', represented: 'représenté',
  },
  nl: {
    language: 'Taal', connect: 'Verbinden', org: 'Organisatie (id)', meeting: 'Vergadering (id)',
    voterToken: 'Stemcode (ontvangen bij de aanmelding)', voterTitle: 'Stemmen op de algemene vergadering', chairTitle: 'Voorzitter van de vergadering',
    connecting: 'Verbinden…', connected: 'Verbonden', reconnecting: 'Verbinding verbroken, opnieuw verbinden…', refused: 'Code geweigerd of onbekende vergadering.',
    noOpen: 'Er staat momenteel geen besluit ter stemming.', majority: 'Vereiste meerderheid',
    absolute: 'volstrekte meerderheid', twoThirds: '2/3-meerderheid', fourFifths: '4/5-meerderheid', unanimity: 'eenparigheid',
    for: 'Voor', against: 'Tegen', abstention: 'Onthouding', votesFor: 'Stem van', recorded: 'Stem geregistreerd:',
    pending: 'Wacht op verzending… (wordt verzonden bij herverbinding)', mayChange: 'U kunt uw stem wijzigen tot de stemming sluit.',
    rejected: 'Stem geweigerd:', closed: 'Stemming gesloten', adopted: 'Aangenomen', notAdopted: 'Verworpen',
    abstentions: 'Onthoudingen, blanco en ongeldig', cast: 'uitgebrachte stemmen',
    ordinary: 'Gewone algemene vergadering', extraordinary: 'Buitengewone algemene vergadering', second_session: 'Tweede vergadering',
    email: 'E-mail', password: 'Wachtwoord', logIn: 'Aanmelden', orToken: 'of toegangstoken', useToken: 'Dit token gebruiken',
    building: 'Gebouw', pick: 'Kies de vergadering', load: 'Openen', attendance: 'Aanwezigheden', quorum: 'Quorum',
    reached: 'bereikt', notReached: 'niet bereikt', owners: 'eigenaars', shares: 'aandelen', openMeeting: 'Zitting openen',
    openVote: 'Stemming openen', closeVote: 'Stemming sluiten', liveTally: 'Live telling', ballots: 'stembiljetten',
    pendingVote: 'nog niet geopend', status: 'Status', loginFailed: 'Aanmelding geweigerd.', error: 'Fout',
    present: 'aanwezig', remote: 'op afstand', represented: 'vertegenwoordigd',
  },
  de: {
    language: 'Sprache', connect: 'Verbinden', org: 'Organisation (ID)', meeting: 'Versammlung (ID)',
    voterToken: 'Abstimmungscode (bei der Anmeldung erhalten)', voterTitle: 'Abstimmen in der Generalversammlung', chairTitle: 'Vorsitz der Versammlung',
    connecting: 'Verbinde…', connected: 'Verbunden', reconnecting: 'Verbindung verloren, neuer Versuch…', refused: 'Code abgelehnt oder unbekannte Versammlung.',
    noOpen: 'Zurzeit steht kein Beschluss zur Abstimmung.', majority: 'Erforderliche Mehrheit',
    absolute: 'absolute Mehrheit', twoThirds: '2/3-Mehrheit', fourFifths: '4/5-Mehrheit', unanimity: 'Einstimmigkeit',
    for: 'Dafür', against: 'Dagegen', abstention: 'Enthaltung', votesFor: 'Stimme von', recorded: 'Stimme erfasst:',
    pending: 'Wartet auf Versand… (wird nach der Wiederverbindung gesendet)', mayChange: 'Sie können Ihre Stimme bis zum Abschluss ändern.',
    rejected: 'Stimme abgelehnt:', closed: 'Abstimmung geschlossen', adopted: 'Angenommen', notAdopted: 'Abgelehnt',
    abstentions: 'Enthaltungen, leere und ungültige', cast: 'abgegebene Stimmen',
    ordinary: 'Ordentliche Generalversammlung', extraordinary: 'Außerordentliche Generalversammlung', second_session: 'Zweite Versammlung',
    email: 'E-Mail', password: 'Passwort', logIn: 'Anmelden', orToken: 'oder Zugangstoken', useToken: 'Dieses Token verwenden',
    building: 'Gebäude', pick: 'Versammlung wählen', load: 'Öffnen', attendance: 'Anwesenheit', quorum: 'Quorum',
    reached: 'erreicht', notReached: 'nicht erreicht', owners: 'Eigentümer', shares: 'Anteile', openMeeting: 'Sitzung eröffnen',
    openVote: 'Abstimmung öffnen', closeVote: 'Abstimmung schließen', liveTally: 'Live-Zählung', ballots: 'Stimmzettel',
    pendingVote: 'noch nicht geöffnet', status: 'Status', loginFailed: 'Anmeldung abgelehnt.', error: 'Fehler',
    present: 'anwesend', remote: 'aus der Ferne', represented: 'vertreten',
  },
  en: {
    language: 'Language', connect: 'Connect', org: 'Organization (id)', meeting: 'Meeting (id)',
    voterToken: 'Voter code (given at sign-in)', voterTitle: 'Vote at the general assembly', chairTitle: 'Chairing the assembly',
    connecting: 'Connecting…', connected: 'Connected', reconnecting: 'Connection lost, reconnecting…', refused: 'Code refused or unknown meeting.',
    noOpen: 'No resolution is open for voting right now.', majority: 'Required majority',
    absolute: 'absolute majority', twoThirds: '2/3 majority', fourFifths: '4/5 majority', unanimity: 'unanimity',
    for: 'For', against: 'Against', abstention: 'Abstain', votesFor: 'Vote of', recorded: 'Vote recorded:',
    pending: 'Waiting to send… (sent when the connection is back)', mayChange: 'You may change your vote until the vote closes.',
    rejected: 'Vote refused:', closed: 'Vote closed', adopted: 'Adopted', notAdopted: 'Rejected',
    abstentions: 'Abstentions, blank and null', cast: 'votes cast',
    ordinary: 'Ordinary general assembly', extraordinary: 'Extraordinary general assembly', second_session: 'Second session',
    email: 'E-mail', password: 'Password', logIn: 'Log in', orToken: 'or access token', useToken: 'Use this token',
    building: 'Building', pick: 'Pick the meeting', load: 'Open', attendance: 'Attendance', quorum: 'Quorum',
    reached: 'reached', notReached: 'not reached', owners: 'owners', shares: 'shares', openMeeting: 'Open the meeting',
    openVote: 'Open the vote', closeVote: 'Close the vote', liveTally: 'Live tally', ballots: 'ballots',
    pendingVote: 'not open yet', status: 'Status', loginFailed: 'Login refused.', error: 'Error',
    present: 'present', remote: 'remote', represented: 'represented',
  },
};

/** The language from the browser (fr-BE → fr), English when none of ours. */
export function pickLanguage(navigatorLanguages) {
  for (const l of navigatorLanguages ?? []) {
    const base = String(l).toLowerCase().split('-')[0];
    if (LANGUAGES.includes(base)) return base;
  }
  return 'en';
}

let lang = pickLanguage(globalThis.navigator?.languages ?? [globalThis.navigator?.language]);
export const t = (key) => T[lang][key] ?? T.en[key] ?? key;
export const currentLanguage = () => lang;

/** Fills the language picker; `onChange` re-renders the page. Static texts carry data-t="key". */
export function setupLanguage(select, onChange) {
  for (const l of LANGUAGES) select.append(el('option', { value: l }, l.toUpperCase()));
  select.value = lang;
  select.addEventListener('change', () => { lang = select.value; translateStatic(); onChange(); });
  translateStatic();
}

function translateStatic() {
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll('[data-t]')) node.textContent = t(node.dataset.t);
}

/** Creates an element; children are text (never parsed as HTML) or elements. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

/** {numerator, denominator} decimal strings → "500", or "1000/3 (≈ 333.33)": exact, never a float sum. */
export function fraction(f) {
  if (!f) return '0';
  const n = BigInt(f.numerator);
  const d = BigInt(f.denominator);
  if (n % d === 0n) return String(n / d);
  const hundredths = (n * 100n) / d;
  return `${n}/${d} (≈ ${hundredths / 100n}.${String(hundredths % 100n).padStart(2, '0')})`;
}

/** "Pour 500 – Contre 300 – Abstentions… 200 (voix exprimées: 800)". */
export function resultLine(r) {
  const abst = addFractions([r.abstention, r.blank, r.null]);
  return `${t('for')} ${fraction(r.for)} – ${t('against')} ${fraction(r.against)} – ${t('abstentions')} ${fraction(abst)} (${t('cast')}: ${fraction(r.cast)})`;
}

function addFractions(list) {
  let n = 0n;
  let d = 1n;
  for (const f of list) {
    if (!f) continue;
    const fn = BigInt(f.numerator);
    const fd = BigInt(f.denominator);
    n = n * fd + fn * d;
    d *= fd;
  }
  const gcd = (a, b) => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b));
  const g = gcd(n, d) || 1n;
  return { numerator: String(n / g), denominator: String(d / g) };
}

export const liveUrl = (orgId, meetingId) =>
  `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/orgs/${encodeURIComponent(orgId)}/meetings/${encodeURIComponent(meetingId)}/live`;

/** Parameters from the fragment (#token=…&org=…&meeting=…): never sent to the server, unlike a query string. */
export function fragmentParams() {
  return new URLSearchParams(location.hash.replace(/^#/, ''));
}
