-- 0003_accounting: the PCMN double-entry ledger of each building (owners' association).
-- Chart of accounts per building, fiscal years, journal entries and their lines. Every table
-- carries organization_id and composite (organization_id, x_id) foreign keys, like 0002.
-- Triggers hold the ledger's invariants (rules doc §5, R25) as a safety net behind posting.ts;
-- they raise P0001 with the error code as message (see platform/http-errors.ts):
--   entry.immutable     a validated entry or line is never updated or deleted (corrections are reversals)
--   entry.unbalanced    Σdebit = Σcredit per entry, checked at commit (deferred constraint trigger)
--   fiscal_year.closed  no entry in a closed fiscal year, and a closed year stays closed

-- ── Chart of accounts (PCMN for ACPs, loaded per building from accounting/pcmn.data.ts) ──
create table chart_accounts (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  building_id uuid not null,
  number text not null check (number ~ '^[1-7][0-9]{0,9}$'),
  label_fr text not null check (length(label_fr) between 1 and 200),
  label_nl text not null check (length(label_nl) between 1 and 200),
  class smallint not null check (class between 1 and 7),
  kind text not null check (kind in ('asset', 'liability', 'charge', 'product')),
  is_owner_account boolean not null default false,    -- 410, 4100, 4101, 415: lines carry person_id
  is_supplier_account boolean not null default false, -- 440: lines carry supplier_id
  default_key_id uuid, -- default distribution key (rules doc §4.2.4); none by default. No FK: keys live in 0004.
  created_at timestamptz not null,
  unique (organization_id, id),
  constraint chart_accounts_number_key unique (organization_id, building_id, number),
  check (class = substr(number, 1, 1)::smallint),
  check (not (is_owner_account and is_supplier_account)),
  foreign key (organization_id, building_id) references buildings (organization_id, id)
);

-- ── Fiscal years ────────────────────────────────────────────────────────────
create table fiscal_years (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  building_id uuid not null,
  label text not null check (length(label) between 1 and 20), -- '2026', '2025/26'; used in entry numbers
  start_date date not null,
  end_date date not null,
  status text not null default 'open' check (status in ('open', 'closed')),
  closed_at timestamptz,
  closed_by uuid references users (id),
  created_at timestamptz not null,
  unique (organization_id, id),
  unique (organization_id, building_id, id),
  constraint fiscal_years_start_key unique (building_id, start_date),
  constraint fiscal_years_label_key unique (building_id, label),
  check (end_date >= start_date and end_date < start_date + interval '25 months'),
  check ((status = 'closed') = (closed_at is not null)),
  foreign key (organization_id, building_id) references buildings (organization_id, id)
);
create index fiscal_years_building on fiscal_years (organization_id, building_id, start_date);

-- Fiscal years of a building never overlap; a closed year stays closed and keeps its dates.
create function fiscal_years_guard() returns trigger language plpgsql as $$
declare
  other record;
begin
  if tg_op = 'DELETE' then
    if old.status = 'closed' or exists (select 1 from journal_entries e where e.fiscal_year_id = old.id) then
      raise exception 'fiscal_year.has_entries' using detail = 'A fiscal year with entries, or closed, cannot be deleted',
        hint = json_build_object('id', old.id)::text;
    end if;
    return old;
  end if;
  if tg_op = 'UPDATE' then
    if old.status = 'closed' then
      raise exception 'fiscal_year.closed' using detail = 'This fiscal year is closed',
        hint = json_build_object('id', old.id)::text;
    end if;
    if (new.organization_id, new.building_id, new.start_date, new.end_date, new.label, new.created_at)
       is distinct from (old.organization_id, old.building_id, old.start_date, old.end_date, old.label, old.created_at) then
      raise exception 'fiscal_year.immutable' using detail = 'Only the status of a fiscal year changes (open → closed)',
        hint = json_build_object('id', old.id)::text;
    end if;
    return new;
  end if;
  select f.id, f.start_date, f.end_date into other from fiscal_years f
   where f.building_id = new.building_id and f.id <> new.id
     and f.start_date <= new.end_date and f.end_date >= new.start_date
   limit 1;
  if found then
    raise exception 'fiscal_year.conflict'
      using detail = format('The fiscal year %s – %s overlaps the one from %s to %s', new.start_date, new.end_date, other.start_date, other.end_date),
            hint = json_build_object('field', 'startDate', 'id', other.id)::text;
  end if;
  return new;
end $$;
create trigger fiscal_years_guarded before insert or update or delete on fiscal_years
  for each row execute function fiscal_years_guard();

-- ── Journal entries ─────────────────────────────────────────────────────────
create table journal_entries (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  building_id uuid not null,
  fiscal_year_id uuid not null,
  journal text not null check (journal in ('ACH', 'VEN', 'FIN', 'OD')),
  seq integer not null check (seq > 0), -- gapless per (fiscal year, journal): see journal_sequences
  number text not null,                 -- 'ACH-2026-00001'
  entry_date date not null,
  description text not null check (length(description) between 1 and 500),
  source_type text not null check (source_type ~ '^[a-z][a-z0-9_]{0,39}$'),
  source_id text not null check (length(source_id) between 1 and 200),
  reference text check (length(reference) between 1 and 200),
  reverses_entry_id uuid,
  created_by uuid references users (id),
  created_at timestamptz not null,
  posting_order bigint generated always as identity, -- stable order of entries on the same date
  created_xact xid8 not null default pg_current_xact_id(), -- lines may only be added in this transaction
  unique (organization_id, id),
  unique (organization_id, building_id, id),
  constraint journal_entries_seq_key unique (fiscal_year_id, journal, seq),
  constraint journal_entries_number_key unique (building_id, number),
  constraint journal_entries_source_key unique (building_id, source_type, source_id),
  foreign key (organization_id, building_id) references buildings (organization_id, id),
  foreign key (organization_id, building_id, fiscal_year_id) references fiscal_years (organization_id, building_id, id),
  foreign key (organization_id, building_id, reverses_entry_id) references journal_entries (organization_id, building_id, id)
);
create index journal_entries_building_date on journal_entries (organization_id, building_id, entry_date, id);
create index journal_entries_fiscal_year on journal_entries (fiscal_year_id, journal);
create unique index journal_entries_reversal on journal_entries (reverses_entry_id) where reverses_entry_id is not null;

-- The gapless counters: one row per (fiscal year, journal), incremented inside the posting
-- transaction, so a rolled-back posting gives its number back.
create table journal_sequences (
  organization_id uuid not null,
  fiscal_year_id uuid not null,
  journal text not null check (journal in ('ACH', 'VEN', 'FIN', 'OD')),
  last_seq integer not null check (last_seq > 0),
  primary key (fiscal_year_id, journal),
  foreign key (organization_id, fiscal_year_id) references fiscal_years (organization_id, id)
);

create table journal_lines (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  building_id uuid not null,
  entry_id uuid not null,
  line_no integer not null check (line_no >= 1),
  account text not null,
  debit_cents bigint not null check (debit_cents >= 0),
  credit_cents bigint not null check (credit_cents >= 0),
  person_id uuid,   -- owner sub-ledger (410, 4100, 4101, 415)
  supplier_id uuid, -- supplier sub-ledger (440); the FK to suppliers is 0004's business, not added here
  lot_id uuid,
  label text check (length(label) between 1 and 300),
  check ((debit_cents > 0) <> (credit_cents > 0)),
  unique (entry_id, line_no),
  foreign key (organization_id, building_id, entry_id) references journal_entries (organization_id, building_id, id),
  foreign key (organization_id, building_id, account) references chart_accounts (organization_id, building_id, number),
  foreign key (organization_id, person_id) references persons (organization_id, id),
  foreign key (organization_id, lot_id) references lots (organization_id, id)
);
create index journal_lines_entry on journal_lines (entry_id);
create index journal_lines_account on journal_lines (organization_id, building_id, account);
create index journal_lines_person on journal_lines (organization_id, person_id) where person_id is not null;

-- ── Invariant: a fiscal year must be open, and contain the date, to receive an entry ──
-- Immediate (not deferred): the year-end closing posts its entries, then closes the year, in one transaction.
create function journal_entries_check_insert() returns trigger language plpgsql as $$
declare
  fy record;
begin
  new.created_xact := pg_current_xact_id();
  select f.status, f.start_date, f.end_date into fy from fiscal_years f where f.id = new.fiscal_year_id;
  if fy.status = 'closed' then
    raise exception 'fiscal_year.closed' using detail = format('The fiscal year %s – %s is closed', fy.start_date, fy.end_date),
      hint = json_build_object('field', 'date', 'fiscalYearId', new.fiscal_year_id)::text;
  end if;
  if new.entry_date < fy.start_date or new.entry_date > fy.end_date then
    raise exception 'entry.date_outside_fiscal_year'
      using detail = format('The date %s is outside the fiscal year %s – %s', new.entry_date, fy.start_date, fy.end_date),
            hint = json_build_object('field', 'date')::text;
  end if;
  return new;
end $$;
create trigger journal_entries_insert_checked before insert on journal_entries
  for each row execute function journal_entries_check_insert();

-- ── Invariant: lines are written with their entry, in the same transaction, never later ──
create function journal_lines_check_insert() returns trigger language plpgsql as $$
declare
  e record;
begin
  select je.created_xact, f.status into e from journal_entries je join fiscal_years f on f.id = je.fiscal_year_id
   where je.id = new.entry_id;
  if e.created_xact is distinct from pg_current_xact_id() then
    raise exception 'entry.immutable' using detail = 'Lines cannot be added to a validated entry; post a new entry or a reversal',
      hint = json_build_object('entryId', new.entry_id)::text;
  end if;
  if e.status = 'closed' then
    raise exception 'fiscal_year.closed' using detail = 'The fiscal year of this entry is closed',
      hint = json_build_object('entryId', new.entry_id)::text;
  end if;
  return new;
end $$;
create trigger journal_lines_insert_checked before insert on journal_lines
  for each row execute function journal_lines_check_insert();

-- ── Invariant: validated entries and their lines are immutable ──────────────
create function journal_immutable() returns trigger language plpgsql as $$
begin
  raise exception 'entry.immutable' using detail = 'Validated journal entries cannot be changed or deleted; post a reversal';
end $$;
create trigger journal_entries_immutable before update or delete on journal_entries
  for each row execute function journal_immutable();
create trigger journal_lines_immutable before update or delete on journal_lines
  for each row execute function journal_immutable();
create trigger journal_entries_no_truncate before truncate on journal_entries
  for each statement execute function journal_immutable();
create trigger journal_lines_no_truncate before truncate on journal_lines
  for each statement execute function journal_immutable();

-- ── Invariant: Σdebit = Σcredit per entry, with at least two lines (checked at commit) ──
create function journal_entries_check_balance() returns trigger language plpgsql as $$
declare
  s record;
begin
  select count(*) as n, coalesce(sum(l.debit_cents), 0) as d, coalesce(sum(l.credit_cents), 0) as c
    into s from journal_lines l where l.entry_id = new.id;
  if s.n < 2 or s.d <> s.c then
    raise exception 'entry.unbalanced'
      using detail = format('Entry %s is unbalanced: debit %s, credit %s cents over %s lines', new.number, s.d, s.c, s.n),
            hint = json_build_object('field', 'lines', 'entryId', new.id, 'debitCents', s.d, 'creditCents', s.c)::text;
  end if;
  return null;
end $$;
create constraint trigger journal_entries_balanced after insert on journal_entries
  deferrable initially deferred for each row execute function journal_entries_check_balance();
