-- Share register: buildings, lots, persons and dated holdings.
-- Every table carries organization_id, and every reference is a composite (organization_id, id)
-- foreign key, so no row can point at another tenant's row. Triggers hold the register's
-- invariants as a safety net behind the services; they raise P0001 with the error code as message.

-- A Belgian enterprise number (BCE/KBO): 10 digits, starts with 0 or 1, 97 - (first 8 mod 97) = last 2.
create function is_valid_enterprise_number(n text) returns boolean language sql immutable as $$
  select n ~ '^[01][0-9]{9}$' and 97 - (substr(n, 1, 8)::bigint % 97) = substr(n, 9, 2)::int
$$;

create table buildings (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id),
  name text not null check (length(name) between 1 and 200),
  street text not null check (length(street) between 1 and 200),
  postal_code text not null check (length(postal_code) between 1 and 16),
  city text not null check (length(city) between 1 and 100),
  country text not null default 'BE' check (country ~ '^[A-Z]{2}$'),
  enterprise_number text check (is_valid_enterprise_number(enterprise_number)),
  total_shares integer not null check (total_shares > 0),
  fiscal_year_start text not null default '01-01'
    check (fiscal_year_start ~ '^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'),
  language text not null check (language in ('fr', 'nl', 'de', 'en')),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (organization_id, id)
);
create index buildings_org_name on buildings (organization_id, name, id);

alter table role_grants add constraint role_grants_building_fk
  foreign key (organization_id, building_id) references buildings (organization_id, id);
create index role_grants_building on role_grants (organization_id, building_id) where building_id is not null;

create table lots (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  building_id uuid not null,
  number text not null check (length(number) between 1 and 40),
  kind text not null check (kind in ('apartment', 'commercial', 'parking', 'garage', 'cellar', 'storage', 'other')),
  floor integer check (floor between -20 and 300),
  shares integer not null check (shares > 0),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (organization_id, id),
  constraint lots_building_number_key unique (building_id, number),
  foreign key (organization_id, building_id) references buildings (organization_id, id)
);
create index lots_org_building on lots (organization_id, building_id, number, id);

create table persons (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id),
  kind text not null check (kind in ('natural', 'legal')),
  first_name text check (length(first_name) between 1 and 100),
  last_name text check (length(last_name) between 1 and 100),
  company_name text check (length(company_name) between 1 and 200),
  enterprise_number text check (is_valid_enterprise_number(enterprise_number)),
  email text check (length(email) between 3 and 254),
  phone text check (length(phone) between 3 and 40),
  street text,
  postal_code text,
  city text,
  country text check (country ~ '^[A-Z]{2}$'),
  language text not null check (language in ('fr', 'nl', 'de', 'en')),
  -- Written acceptance of convocations by e-mail (C. civ. 3.87 §3), apart from any GDPR consent.
  email_consent_given_on date,
  email_consent_proof text check (length(email_consent_proof) between 1 and 500),
  email_consent_revoked_on date,
  display_name text generated always as (
    case when kind = 'legal' then company_name else coalesce(first_name || ' ', '') || last_name end) stored,
  sort_name text generated always as (
    lower(case when kind = 'legal' then company_name else last_name || coalesce(' ' || first_name, '') end)) stored,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (organization_id, id),
  check (case kind
    when 'natural' then last_name is not null and company_name is null and enterprise_number is null
    else company_name is not null and first_name is null and last_name is null end),
  check ((street is null) = (postal_code is null) and (street is null) = (city is null) and (street is null) = (country is null)),
  check ((email_consent_given_on is null) = (email_consent_proof is null)),
  check (email_consent_revoked_on is null or (email_consent_given_on is not null and email_consent_revoked_on >= email_consent_given_on))
);
create index persons_org_sort on persons (organization_id, sort_name, id);

create table holdings (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  lot_id uuid not null,
  person_id uuid not null,
  right_kind text not null check (right_kind in ('full', 'usufruct', 'bare')),
  part_num integer not null check (part_num > 0),
  part_den integer not null check (part_den > 0),
  votes boolean not null,
  pays_ordinary boolean not null,
  pays_extraordinary boolean not null,
  valid_from date not null,
  valid_to date, -- exclusive; null while current
  created_at timestamptz not null,
  check (part_num <= part_den),
  check (valid_to is null or valid_to > valid_from),
  foreign key (organization_id, lot_id) references lots (organization_id, id),
  foreign key (organization_id, person_id) references persons (organization_id, id)
);
create index holdings_lot on holdings (lot_id, valid_from);
create index holdings_person on holdings (person_id);

-- ── Invariant: a building's lot shares never exceed its total ────────────────
create function lots_check_shares() returns trigger language plpgsql as $$
declare
  total integer;
  allocated bigint;
begin
  select b.total_shares into total from buildings b
    where b.id = new.building_id and b.organization_id = new.organization_id for no key update;
  select coalesce(sum(l.shares), 0) into allocated from lots l where l.building_id = new.building_id;
  if allocated > total then
    raise exception 'lot.shares_exceed_total'
      using detail = format('The lots of this building would hold %s shares, more than its total of %s', allocated, total),
            hint = json_build_object('field', 'shares', 'totalShares', total, 'allocated', allocated)::text;
  end if;
  return null;
end $$;
create trigger lots_shares_within_total after insert or update of shares, building_id on lots
  for each row execute function lots_check_shares();

create function buildings_check_total() returns trigger language plpgsql as $$
declare
  allocated bigint;
begin
  select coalesce(sum(l.shares), 0) into allocated from lots l where l.building_id = new.id;
  if allocated > new.total_shares then
    raise exception 'lot.shares_exceed_total'
      using detail = format('The lots of this building already hold %s shares, more than the new total of %s', allocated, new.total_shares),
            hint = json_build_object('field', 'totalShares', 'totalShares', new.total_shares, 'allocated', allocated)::text;
  end if;
  return null;
end $$;
create trigger buildings_total_covers_lots after update of total_shares on buildings
  for each row execute function buildings_check_total();

-- ── Invariant: at any date, full+usufruct ≤ 1 and full+bare ≤ 1 for a lot ──
-- The sums only rise where some holding starts, so checking the start dates inside the
-- changed row's span is enough. Numeric division with a tolerance; the domain is exact.
create function holdings_check_parts() returns trigger language plpgsql as $$
declare
  bad record;
begin
  perform 1 from lots l where l.id = new.lot_id for no key update;
  select d.at, sum(h.part_num::numeric / h.part_den) filter (where h.right_kind in ('full', 'usufruct')) as enjoyment,
         sum(h.part_num::numeric / h.part_den) filter (where h.right_kind in ('full', 'bare')) as title
    into bad
    from (select new.valid_from as at
          union
          select o.valid_from from holdings o
           where o.lot_id = new.lot_id and o.valid_from > new.valid_from
             and (new.valid_to is null or o.valid_from < new.valid_to)) d
    join holdings h on h.lot_id = new.lot_id and h.valid_from <= d.at and (h.valid_to is null or h.valid_to > d.at)
   group by d.at
  having coalesce(sum(h.part_num::numeric / h.part_den) filter (where h.right_kind in ('full', 'usufruct')), 0) > 1.000000001
      or coalesce(sum(h.part_num::numeric / h.part_den) filter (where h.right_kind in ('full', 'bare')), 0) > 1.000000001
   order by d.at
   limit 1;
  if found then
    raise exception 'holding.parts_exceed_whole'
      using detail = format('On %s the parts of this lot would exceed 100 %%', bad.at),
            hint = json_build_object('field', 'holdings', 'date', bad.at, 'lotId', new.lot_id)::text;
  end if;
  return null;
end $$;
create trigger holdings_parts_within_whole
  after insert or update of lot_id, right_kind, part_num, part_den, valid_from, valid_to on holdings
  for each row execute function holdings_check_parts();

-- ── History is kept: a holding is never deleted, and only closed once ───────
create function holdings_keep_history() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    raise exception 'holding.history_immutable' using detail = 'Holdings are history: they are closed, never deleted';
  end if;
  if old.valid_to is not null then
    raise exception 'holding.already_closed' using detail = 'This holding is already closed',
      hint = json_build_object('id', old.id)::text;
  end if;
  if (new.organization_id, new.lot_id, new.person_id, new.right_kind, new.part_num, new.part_den, new.votes,
      new.pays_ordinary, new.pays_extraordinary, new.valid_from, new.created_at)
     is distinct from
     (old.organization_id, old.lot_id, old.person_id, old.right_kind, old.part_num, old.part_den, old.votes,
      old.pays_ordinary, old.pays_extraordinary, old.valid_from, old.created_at) then
    raise exception 'holding.history_immutable' using detail = 'Only the end date of a current holding may be set';
  end if;
  return new;
end $$;
create trigger holdings_history before update or delete on holdings
  for each row execute function holdings_keep_history();

-- ── No hard delete of anything with history ─────────────────────────────────
create function lots_protect_history() returns trigger language plpgsql as $$
begin
  if exists (select 1 from holdings h where h.lot_id = old.id) then
    raise exception 'lot.has_history' using detail = 'This lot has holdings (past or present) and cannot be deleted',
      hint = json_build_object('id', old.id)::text;
  end if;
  return old;
end $$;
create trigger lots_no_delete_with_history before delete on lots
  for each row execute function lots_protect_history();

create function persons_protect_history() returns trigger language plpgsql as $$
begin
  if exists (select 1 from holdings h where h.person_id = old.id) then
    raise exception 'person.has_history' using detail = 'This person has holdings (past or present) and cannot be deleted',
      hint = json_build_object('id', old.id)::text;
  end if;
  return old;
end $$;
create trigger persons_no_delete_with_history before delete on persons
  for each row execute function persons_protect_history();

create function buildings_protect_lots() returns trigger language plpgsql as $$
begin
  if exists (select 1 from lots l where l.building_id = old.id) then
    raise exception 'building.has_lots' using detail = 'This building has lots; delete them first',
      hint = json_build_object('id', old.id)::text;
  end if;
  if exists (select 1 from role_grants g where g.organization_id = old.organization_id and g.building_id = old.id) then
    raise exception 'building.has_grants' using detail = 'Roles are granted on this building; revoke them first',
      hint = json_build_object('id', old.id)::text;
  end if;
  return old;
end $$;
create trigger buildings_no_delete_with_lots before delete on buildings
  for each row execute function buildings_protect_lots();
