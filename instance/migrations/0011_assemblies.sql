-- General assemblies (C. civ. art. 3.87–3.88): meetings, agenda, convocations, owners' requests,
-- proxies, attendance, votes and their results. Every table carries organization_id and composite
-- (organization_id, x_id) foreign keys, like 0002. Vote weights are never stored from a request:
-- they are derived from the share register as of the meeting date (exact fractions, numeric).

-- Per-building assembly settings: a longer convocation delay set by the statutes/ROI, and who the syndic is.
create table assembly_settings (
  organization_id uuid not null,
  building_id uuid not null,
  convocation_min_days integer not null default 15 check (convocation_min_days between 15 and 120),
  syndic_person_id uuid,
  updated_at timestamptz not null,
  primary key (organization_id, building_id),
  foreign key (organization_id, building_id) references buildings (organization_id, id),
  foreign key (organization_id, syndic_person_id) references persons (organization_id, id)
);

-- Owners holding at least 1/5 of the quote-parts asking the syndic to convene (3.87 §2).
create table assembly_requests (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  building_id uuid not null,
  received_on date not null,
  requester_person_ids uuid[] not null check (cardinality(requester_person_ids) between 1 and 1000),
  requester_votes text not null,
  total_votes text not null,
  subject text not null check (length(subject) between 1 and 500),
  syndic_deadline date not null,
  created_at timestamptz not null,
  unique (organization_id, id),
  foreign key (organization_id, building_id) references buildings (organization_id, id)
);
create index assembly_requests_building on assembly_requests (organization_id, building_id, received_on);

create table meetings (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  building_id uuid not null,
  kind text not null check (kind in ('ordinary', 'extraordinary', 'second_session')),
  first_meeting_id uuid, -- the failed meeting a second session follows
  assembly_request_id uuid,
  convened_by text not null default 'syndic' check (convened_by in ('syndic', 'requesters')),
  meeting_date date not null,
  start_time text not null check (start_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  place text not null check (length(place) between 1 and 500),
  remote_link text check (remote_link ~ '^https://' and length(remote_link) <= 2000),
  -- The first day of the statutory window of an ordinary AG (agenda requests are measured from it).
  window_start date,
  documents_info text check (length(documents_info) <= 2000),
  status text not null default 'draft' check (status in ('draft', 'convened', 'open', 'no_quorum', 'closed')),
  convened_on date,
  opened_at timestamptz,
  quorum jsonb,
  closed_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (organization_id, id),
  check ((kind = 'second_session') = (first_meeting_id is not null)),
  foreign key (organization_id, building_id) references buildings (organization_id, id),
  foreign key (organization_id, first_meeting_id) references meetings (organization_id, id),
  foreign key (organization_id, assembly_request_id) references assembly_requests (organization_id, id)
);
create index meetings_building on meetings (organization_id, building_id, meeting_date, id);

-- Agenda items; an item with a decision type carries a draft resolution that is voted on.
create table agenda_items (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  meeting_id uuid not null,
  position integer not null check (position between 1 and 500),
  title text not null check (length(title) between 1 and 300),
  draft_resolution text check (length(draft_resolution) <= 10000),
  decision_type text,
  majority text check (majority in ('absolute', 'twoThirds', 'fourFifths', 'unanimity')),
  -- Persons whose own mission is voted on (3.87 §9): they take no part, personally or by proxy.
  excluded_person_ids uuid[] not null default '{}',
  requested_by_person_id uuid,
  vote_status text not null default 'pending' check (vote_status in ('pending', 'open', 'closed')),
  vote_opened_at timestamptz,
  vote_closed_at timestamptz,
  result jsonb,
  created_at timestamptz not null,
  unique (organization_id, id),
  unique (meeting_id, position),
  check ((decision_type is null) = (majority is null)),
  check (decision_type is not null or vote_status = 'pending'),
  foreign key (organization_id, meeting_id) references meetings (organization_id, id),
  foreign key (organization_id, requested_by_person_id) references persons (organization_id, id)
);

-- Owners' agenda requests (3.87 §2): on time (21 days before the window) → this AG, else the next one.
create table agenda_requests (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  building_id uuid not null,
  meeting_id uuid not null,
  person_id uuid not null,
  received_on date not null,
  title text not null check (length(title) between 1 and 300),
  draft_resolution text check (length(draft_resolution) <= 10000),
  outcome text not null check (outcome in ('added', 'deferred')),
  agenda_item_id uuid,
  created_at timestamptz not null,
  unique (organization_id, id),
  foreign key (organization_id, building_id) references buildings (organization_id, id),
  foreign key (organization_id, meeting_id) references meetings (organization_id, id),
  foreign key (organization_id, person_id) references persons (organization_id, id),
  foreign key (organization_id, agenda_item_id) references agenda_items (organization_id, id)
);

-- One convocation per recipient (voting holders as of the sending date), delivered through `deliveries`.
create table convocations (
  organization_id uuid not null,
  meeting_id uuid not null,
  person_id uuid not null,
  language text not null check (language in ('fr', 'nl', 'de', 'en')),
  delivery_id uuid not null,
  sent_on date not null,
  primary key (meeting_id, person_id),
  foreign key (organization_id, meeting_id) references meetings (organization_id, id),
  foreign key (organization_id, person_id) references persons (organization_id, id),
  foreign key (organization_id, delivery_id) references deliveries (organization_id, id)
);

-- Proxies (3.87 §7), given for one meeting; valid at its second session unless excluded.
create table proxies (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  meeting_id uuid not null,
  principal_person_id uuid not null,
  holder_person_id uuid not null,
  includes_second_session boolean not null default true,
  created_at timestamptz not null,
  revoked_at timestamptz,
  unique (organization_id, id),
  check (principal_person_id <> holder_person_id),
  foreign key (organization_id, meeting_id) references meetings (organization_id, id),
  foreign key (organization_id, principal_person_id) references persons (organization_id, id),
  foreign key (organization_id, holder_person_id) references persons (organization_id, id)
);
create unique index proxies_one_per_principal on proxies (meeting_id, principal_person_id) where revoked_at is null;

-- Who votes at the meeting with how many votes: the register as of the meeting date, frozen at opening.
create table meeting_voters (
  organization_id uuid not null,
  meeting_id uuid not null,
  person_id uuid not null,
  person_name text not null,
  votes_num numeric not null check (votes_num >= 0 and scale(votes_num) = 0),
  votes_den numeric not null check (votes_den > 0 and scale(votes_den) = 0),
  primary key (meeting_id, person_id),
  foreign key (organization_id, meeting_id) references meetings (organization_id, id),
  foreign key (organization_id, person_id) references persons (organization_id, id)
);

-- Sign-in: present in person, remotely (only if the convocation offered it), or represented by a proxy.
-- The voter token (shown once, stored as SHA-256) lets the attendee vote over the live socket.
create table attendance (
  organization_id uuid not null,
  meeting_id uuid not null,
  person_id uuid not null,
  mode text not null check (mode in ('present', 'remote', 'represented')),
  holder_person_id uuid not null, -- who carries the votes: the owner, or the proxy holder
  proxy_id uuid,
  voter_token_hash text check (voter_token_hash ~ '^[0-9a-f]{64}$'),
  signed_in_at timestamptz not null,
  primary key (meeting_id, person_id),
  check ((mode = 'represented') = (proxy_id is not null)),
  foreign key (organization_id, meeting_id) references meetings (organization_id, id),
  foreign key (organization_id, person_id) references persons (organization_id, id),
  foreign key (organization_id, proxy_id) references proxies (organization_id, id)
);
create unique index attendance_voter_token on attendance (voter_token_hash) where voter_token_hash is not null;

-- One ballot per owner and resolution: a second vote replaces the first (upsert on this key).
create table votes (
  organization_id uuid not null,
  agenda_item_id uuid not null,
  person_id uuid not null,
  choice text not null check (choice in ('for', 'against', 'abstention', 'blank', 'null')),
  client_vote_id text check (length(client_vote_id) between 1 and 100),
  cast_via text not null check (cast_via in ('chair', 'live')),
  cast_at timestamptz not null,
  primary key (agenda_item_id, person_id),
  foreign key (organization_id, agenda_item_id) references agenda_items (organization_id, id),
  foreign key (organization_id, person_id) references persons (organization_id, id)
);
