/**
 * The minimal PCMN chart for owners' associations (rules doc §5.1; AR 12 July 2012, classes of its
 * annex; sub-account numbers from common Belgian practice, labels `to verify` against the annex).
 * Loaded into a building's chart on demand (the first posting or the first read of the chart).
 * The optional reserve-fund sub-accounts (1601 lift, 1602 roof/façades) are not loaded: a building
 * adds them, like any sub-account, with POST /buildings/:buildingId/accounts.
 *
 * Dutch labels translate the French ones with the terms of the Civil Code's Dutch text
 * (werkkapitaal, reservekapitaal, mede-eigenaar, VME) and of the MAR (minimumindeling van het
 * algemeen rekeningenstelsel); the French label is authoritative.
 * Owner and supplier sub-accounts are not numbered: a line carries the account plus a personId
 * (410, 4100, 4101, 415) or a supplierId (440).
 */
export type AccountKind = 'asset' | 'liability' | 'charge' | 'product';

export interface PcmnAccount {
  number: string;
  fr: string;
  nl: string;
  kind: AccountKind;
  owner?: true;
  supplier?: true;
}

const L = (number: string, fr: string, nl: string): PcmnAccount => ({ number, fr, nl, kind: 'liability' });
const A = (number: string, fr: string, nl: string): PcmnAccount => ({ number, fr, nl, kind: 'asset' });
const C = (number: string, fr: string, nl: string): PcmnAccount => ({ number, fr, nl, kind: 'charge' });
const P = (number: string, fr: string, nl: string): PcmnAccount => ({ number, fr, nl, kind: 'product' });
const owner = (a: PcmnAccount): PcmnAccount => ({ ...a, owner: true });

export const PCMN_ACP: readonly PcmnAccount[] = [
  // 1 Fonds propres, provisions, dettes à plus d'un an
  L('100', 'Fonds de roulement', 'Werkkapitaal'),
  L('140', 'Résultat de l\'exercice à répartir', 'Te verdelen resultaat van het boekjaar'),
  L('160', 'Fonds de réserve (général)', 'Reservekapitaal (algemeen)'),
  L('161', 'Fonds de réserve particulier (travaux votés)', 'Bijzonder reservekapitaal (gestemde werken)'),
  L('173', 'Établissements de crédit – emprunts à plus d\'un an', 'Kredietinstellingen – leningen op meer dan een jaar'),
  L('179', 'Dettes diverses à plus d\'un an', 'Diverse schulden op meer dan een jaar'),
  // 2 Immobilisations et cautionnements
  A('23', 'Installations, machines et outillage', 'Installaties, machines en uitrusting'),
  A('24', 'Mobilier et matériel roulant', 'Meubilair en rollend materieel'),
  A('28', 'Cautionnements versés en numéraire', 'Borgtochten betaald in contanten'),
  // 3 Stocks
  A('3111', 'Stock clés', 'Voorraad sleutels'),
  A('3120', 'Stock badges / télécommandes', 'Voorraad badges / afstandsbedieningen'),
  // 4 Créances et dettes à un an au plus
  owner(A('410', 'Copropriétaires', 'Mede-eigenaars')),
  owner(A('4100', 'Copropriétaire – fonds de réserve', 'Mede-eigenaar – reservekapitaal')),
  owner(A('4101', 'Copropriétaire – fonds de roulement / provisions', 'Mede-eigenaar – werkkapitaal / provisies')),
  A('414', 'Notes de crédit à recevoir', 'Te ontvangen creditnota\'s'),
  owner(A('415', 'Anciens copropriétaires', 'Vroegere mede-eigenaars')),
  A('416', 'Créances diverses', 'Diverse vorderingen'),
  A('417', 'Créances douteuses', 'Dubieuze debiteuren'),
  A('418', 'Locataires (refacturation directe)', 'Huurders (rechtstreekse doorrekening)'),
  A('419', 'Réductions de valeur actées (créances)', 'Geboekte waardeverminderingen (vorderingen)'),
  L('423', 'Établissements de crédit – dettes à plus d\'un an échéant dans l\'année',
    'Kredietinstellingen – schulden op meer dan een jaar die binnen het jaar vervallen'),
  { ...L('440', 'Fournisseurs', 'Leveranciers'), supplier: true },
  L('444', 'Factures à recevoir', 'Te ontvangen facturen'),
  L('453', 'Précomptes retenus', 'Ingehouden voorheffingen'),
  L('454', 'ONSS', 'RSZ'),
  L('455', 'Rémunérations à payer', 'Te betalen bezoldigingen'),
  L('456', 'Pécules de vacances', 'Vakantiegeld'),
  L('489', 'Autres dettes diverses', 'Andere diverse schulden'),
  A('490', 'Charges à reporter', 'Over te dragen kosten'),
  A('491', 'Produits acquis', 'Verworven opbrengsten'),
  L('492', 'Charges à imputer', 'Toe te rekenen kosten'),
  L('493', 'Produits à reporter', 'Over te dragen opbrengsten'),
  A('4990', 'Compte d\'attente', 'Wachtrekening'),
  A('4996', 'Sinistres en cours', 'Lopende schadegevallen'),
  // 5 Placements de trésorerie et valeurs disponibles
  A('531', 'Dépôts à terme (un mois à un an)', 'Termijndeposito\'s (een maand tot een jaar)'),
  A('550', 'Banque – compte épargne (fonds de réserve)', 'Bank – spaarrekening (reservekapitaal)'),
  A('551', 'Banque – compte courant (fonds de roulement)', 'Bank – zichtrekening (werkkapitaal)'),
  A('552', 'Autres comptes bancaires', 'Andere bankrekeningen'),
  A('570', 'Caisse', 'Kas'),
  A('580', 'Virements internes', 'Interne overboekingen'),
  // 6 Charges
  C('6100', 'Protection incendie (contrôle, entretien, réparation)', 'Brandbeveiliging (controle, onderhoud, herstelling)'),
  C('6101', 'Ascenseurs (contrôle, contrat, réparation, téléphone)', 'Liften (controle, contract, herstelling, telefoon)'),
  C('6102', 'Installations électriques, parlophonie, vidéosurveillance', 'Elektrische installaties, parlofonie, camerabewaking'),
  C('6103', 'Chauffage et sanitaires (entretien, compteurs)', 'Verwarming en sanitair (onderhoud, meters)'),
  C('6104', 'Menuiseries, portes de garage', 'Schrijnwerk, garagepoorten'),
  C('6105', 'Nettoyage et déchets', 'Schoonmaak en afval'),
  C('6106', 'Jardins, abords, parkings', 'Tuinen, omgeving, parkings'),
  C('6107', 'Entretien bâtiment (façades, toitures, terrasses, communs)', 'Onderhoud gebouw (gevels, daken, terrassen, gemene delen)'),
  C('6109', 'Contrats d\'entretien divers', 'Diverse onderhoudscontracten'),
  C('611', 'Travaux et frais exceptionnels (rénovation, études)', 'Uitzonderlijke werken en kosten (renovatie, studies)'),
  C('6120', 'Eau (parties communes, adoucisseur)', 'Water (gemene delen, waterontharder)'),
  C('6121', 'Électricité parties communes', 'Elektriciteit gemene delen'),
  C('6122', 'Gaz', 'Gas'),
  C('6123', 'Mazout', 'Stookolie'),
  C('6124', 'Télédistribution, relevés et décomptes individuels', 'Teledistributie, meteropnames en individuele afrekeningen'),
  C('6130', 'Honoraires syndic', 'Erelonen syndicus'),
  C('6131', 'Honoraires avocat', 'Erelonen advocaat'),
  C('6132', 'Honoraires architectes / ingénieurs', 'Erelonen architecten / ingenieurs'),
  C('6133', 'Honoraires experts', 'Erelonen experten'),
  C('6134', 'Honoraires commissaire aux comptes', 'Erelonen commissaris van de rekeningen'),
  C('6135', 'Indemnités / frais conseil de copropriété et commissaire interne',
    'Vergoedingen / kosten raad van mede-eigendom en interne commissaris'),
  C('6140', 'Assurance incendie (police intégrale immeuble)', 'Brandverzekering (globale polis gebouw)'),
  C('6141', 'Assurance responsabilité civile', 'Verzekering burgerlijke aansprakelijkheid'),
  C('6142', 'Assurance accidents du travail', 'Verzekering arbeidsongevallen'),
  C('6143', 'Protection juridique', 'Rechtsbijstand'),
  C('6144', 'Franchises et sinistres', 'Vrijstellingen en schadegevallen'),
  C('615', 'Conciergerie (énergie, télécom du logement concierge)', 'Conciërgerie (energie, telecom van de conciërgewoning)'),
  C('6160', 'Frais administratifs syndic (timbres, bureau)', 'Administratiekosten syndicus (zegels, kantoor)'),
  C('6161', 'Frais de réunions / AG (salle, recommandés)', 'Vergaderkosten / AV (zaal, aangetekende zendingen)'),
  C('6162', 'Traductions (FR/NL/DE)', 'Vertalingen (FR/NL/DE)'),
  C('6163', 'Frais de procédure / recouvrement d\'arriérés', 'Procedurekosten / invordering van achterstallen'),
  C('6164', 'Publications BCE, modification des statuts', 'Publicaties KBO, statutenwijziging'),
  C('6166', 'Archivage, site / portail', 'Archivering, website / portaal'),
  C('620', 'Rémunérations et charges sociales (personnel de l\'ACP)', 'Bezoldigingen en sociale lasten (personeel van de VME)'),
  C('634', 'Réductions de valeur sur créances (dotations / reprises)', 'Waardeverminderingen op vorderingen (toevoegingen / terugnemingen)'),
  C('640', 'Taxes et redevances', 'Belastingen en heffingen'),
  C('642', 'Loyers payés par l\'ACP', 'Huur betaald door de VME'),
  C('6430', 'Frais privatifs (à charge d\'un seul lot)', 'Privatieve kosten (ten laste van één kavel)'),
  C('6431', 'Frais privatifs refacturés', 'Doorgerekende privatieve kosten'),
  C('650', 'Frais bancaires', 'Bankkosten'),
  C('657', 'Charges d\'emprunts', 'Kosten van leningen'),
  C('66', 'Charges exceptionnelles', 'Uitzonderlijke kosten'),
  C('671', 'Charges de travaux extraordinaires (votés)', 'Kosten van buitengewone werken (gestemd)'),
  C('680', 'Appels de provisions pour charges', 'Provisieopvragingen voor lasten'),
  C('6810', 'Dotation fonds de roulement', 'Toevoeging werkkapitaal'),
  C('68160', 'Appel / dotation fonds de réserve', 'Opvraging / toevoeging reservekapitaal'),
  C('68161', 'Prélèvement sur fonds de réserve', 'Opneming uit reservekapitaal'),
  // 7 Produits
  P('700', 'Apports au fonds de réserve', 'Inbreng in het reservekapitaal'),
  P('701', 'Provisions pour charges (appels de fonds)', 'Provisies voor lasten (opvragingen)'),
  P('702', 'Provisions extraordinaires (travaux)', 'Buitengewone provisies (werken)'),
  P('742', 'Loyers perçus (antennes, parkings, conciergerie)', 'Ontvangen huur (antennes, parkings, conciërgerie)'),
  P('744', 'Indemnités perçues (déménagement / emménagement)', 'Ontvangen vergoedingen (verhuizing)'),
  P('745', 'Indemnités forfaitaires de retard (copropriétaires)', 'Forfaitaire schadevergoedingen wegens laattijdigheid (mede-eigenaars)'),
  P('750', 'Intérêts bancaires', 'Bankintresten'),
  P('753', 'Intérêts de retard (copropriétaires)', 'Verwijlintresten (mede-eigenaars)'),
  P('76', 'Produits exceptionnels (indemnités d\'assurance)', 'Uitzonderlijke opbrengsten (verzekeringsvergoedingen)'),
];
