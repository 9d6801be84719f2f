-- Minutes of general assemblies (C. civ. art. 3.87 §10, §12) and the written procedure (3.87 §11).
-- The decisions register is read from agenda_items (closed votes) of closed meetings: no copy.

create table minutes (
  organization_id uuid not null,
  meeting_id uuid not null,
  language text not null check (language in ('fr', 'nl', 'de', 'en')),
  -- [{ name, role, signedAt }]: president, secretary, owners still present or their proxies.
  signatures jsonb not null default '[]' check (jsonb_typeof(signatures) = 'array'),
  due_on date not null,
  document_id uuid,
  sent_on date,
  overdue_flagged_at timestamptz,
  created_at timestamptz not null,
  primary key (organization_id, meeting_id),
  check ((document_id is null) = (sent_on is null)),
  foreign key (organization_id, meeting_id) references meetings (organization_id, id),
  foreign key (organization_id, document_id) references archived_documents (organization_id, id)
);
create index minutes_due on minutes (due_on) where sent_on is null and overdue_flagged_at is null;

create table written_procedures (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  building_id uuid not null,
  title text not null check (length(title) between 1 and 300),
  resolution text not null check (length(resolution) between 1 and 10000),
  decision_type text not null,
  -- The owners are those of the register on this date; all of them must agree in writing.
  as_of date not null,
  status text not null default 'open' check (status in ('open', 'adopted', 'rejected')),
  closed_on date,
  created_at timestamptz not null,
  unique (organization_id, id),
  check ((status = 'open') = (closed_on is null)),
  foreign key (organization_id, building_id) references buildings (organization_id, id)
);

create table written_answers (
  organization_id uuid not null,
  procedure_id uuid not null,
  person_id uuid not null,
  agrees boolean not null,
  answered_at timestamptz not null,
  primary key (procedure_id, person_id),
  foreign key (organization_id, procedure_id) references written_procedures (organization_id, id),
  foreign key (organization_id, person_id) references persons (organization_id, id)
);
