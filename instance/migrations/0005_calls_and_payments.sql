-- Budgets and funds, calls for funds with one call per owner, owner payments, bank statement lines.
-- Every table carries organization_id and composite (organization_id, x_id) foreign keys, like 0002.
-- Triggers raise P0001 with the error code as message (see platform/http-errors.ts).

-- An IBAN: 2 letters, 2 check digits, 11–30 alphanumerics (normalised: upper case, no spaces), mod 97 = 1.
create function funds_is_valid_iban(iban text) returns boolean language plpgsql immutable strict as $$
declare
  r text;
  ch text;
  digits text;
  m integer := 0;
begin
  if iban !~ '^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$' then return false; end if;
  r := substr(iban, 5) || substr(iban, 1, 4);
  for i in 1..length(r) loop
    ch := substr(r, i, 1);
    digits := case when ch between '0' and '9' then ch else (ascii(ch) - 55)::text end;
    for j in 1..length(digits) loop
      m := (m * 10 + substr(digits, j, 1)::integer) % 97;
    end loop;
  end loop;
  return m = 1;
end $$;

-- ── Fund settings of a building (3.86 §3) ───────────────────────────────────
-- The fonds de roulement and the fonds de réserve live on two distinct accounts in the ACP's name (R24).
alter table buildings
  add column current_account_iban text check (funds_is_valid_iban(current_account_iban)),
  add column reserve_account_iban text check (funds_is_valid_iban(reserve_account_iban)),
  add column provisional_acceptance_date date,
  add constraint buildings_fund_accounts_distinct check (current_account_iban <> reserve_account_iban);

-- ── Budgets per fiscal year ─────────────────────────────────────────────────
create table budgets (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  building_id uuid not null,
  fiscal_year integer not null check (fiscal_year between 1900 and 2200), -- the year the fiscal year starts in
  starts_on date not null,
  ends_on date not null,
  ordinary_cents bigint not null check (ordinary_cents >= 0),
  extraordinary_cents bigint not null check (extraordinary_cents >= 0),
  reserve_cents bigint not null check (reserve_cents >= 0),
  -- Last year's ordinary charges as given by the user: used only when the journal has no previous year.
  previous_ordinary_charges_cents bigint check (previous_ordinary_charges_cents >= 0),
  -- The general assembly's decision not to constitute the reserve fund (4/5, 3.86 §3).
  reserve_opt_out_decided_on date,
  reserve_opt_out_reference text check (length(reserve_opt_out_reference) between 3 and 200),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (organization_id, id),
  constraint budgets_building_year_key unique (building_id, fiscal_year),
  check (ends_on > starts_on),
  check ((reserve_opt_out_decided_on is null) = (reserve_opt_out_reference is null)),
  foreign key (organization_id, building_id) references buildings (organization_id, id)
);
create index budgets_org_building on budgets (organization_id, building_id, fiscal_year);

-- ── Structured communications: a gapless counter per building ──────────────
-- The 10-digit base of every owner call's communication is the next value, taken inside the
-- sending transaction (row lock until commit; a rollback gives the numbers back). No personal data.
create table structured_communication_counters (
  organization_id uuid not null,
  building_id uuid not null,
  last_value bigint not null check (last_value between 0 and 9999999999),
  primary key (organization_id, building_id),
  foreign key (organization_id, building_id) references buildings (organization_id, id)
);

-- ── Calls for funds ─────────────────────────────────────────────────────────
create table calls (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  building_id uuid not null,
  fund text not null check (fund in ('ordinary', 'working_capital', 'reserve')),
  charge_kind text not null check (charge_kind in ('ordinary', 'extraordinary')),
  period_label text not null check (length(period_label) between 1 and 100),
  due_date date not null,
  total_cents bigint not null check (total_cents > 0),
  distribution_key_id uuid, -- null: the general key
  status text not null default 'draft' check (status in ('draft', 'sent')),
  sent_on date,
  sent_at timestamptz,
  entry_id uuid, -- the VEN journal entry (0003's journal)
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (organization_id, id),
  check ((status = 'sent') = (sent_on is not null and sent_at is not null and entry_id is not null)),
  foreign key (organization_id, building_id) references buildings (organization_id, id),
  foreign key (organization_id, distribution_key_id) references distribution_keys (organization_id, id)
);
create index calls_building_due on calls (organization_id, building_id, due_date, id);

-- A sent call is immutable, and never deleted.
create function calls_guard() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    if old.status = 'sent' then
      raise exception 'call.immutable' using detail = 'A sent call for funds cannot be deleted', hint = json_build_object('id', old.id)::text;
    end if;
    return old;
  end if;
  if old.status = 'sent' and row(new.*) is distinct from row(old.*) then
    raise exception 'call.immutable' using detail = 'A sent call for funds cannot change', hint = json_build_object('id', old.id)::text;
  end if;
  return new;
end $$;
create trigger calls_immutable before update or delete on calls for each row execute function calls_guard();

-- One call per owner: the total of the owner's lots' shares of the call, with its communication.
create table owner_calls (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  building_id uuid not null,
  call_id uuid not null,
  person_id uuid not null,
  amount_cents bigint not null check (amount_cents > 0),
  communication text not null check (communication ~ '^[0-9]{12}$'), -- 12 digits, check digits included
  created_at timestamptz not null,
  unique (organization_id, id),
  constraint owner_calls_call_person_key unique (call_id, person_id),
  constraint owner_calls_communication_key unique (building_id, communication),
  foreign key (organization_id, building_id) references buildings (organization_id, id),
  foreign key (organization_id, call_id) references calls (organization_id, id),
  foreign key (organization_id, person_id) references persons (organization_id, id)
);
create index owner_calls_person on owner_calls (organization_id, building_id, person_id);

-- The owner call's detail per lot (a person may hold several lots).
create table owner_call_lots (
  organization_id uuid not null,
  owner_call_id uuid not null,
  lot_id uuid not null,
  cents bigint not null check (cents > 0),
  primary key (owner_call_id, lot_id),
  foreign key (organization_id, owner_call_id) references owner_calls (organization_id, id),
  foreign key (organization_id, lot_id) references lots (organization_id, id)
);

-- ── Bank statement lines (CODA) ─────────────────────────────────────────────
-- One row per imported movement; the unique key makes a second import of a statement a no-op.
-- CODA statement numbers restart every year, hence the statement year in the key; the details of a
-- movement the bank globalised share its sequence, hence the detail number.
create table bank_statement_lines (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  building_id uuid not null,
  account_iban text not null,
  statement_year integer not null,
  statement_number text not null check (length(statement_number) between 1 and 20),
  sequence integer not null,
  detail integer not null default 0,
  statement_date date not null,
  entry_date date not null,
  value_date date,
  amount_cents bigint not null,
  counterparty_name text,
  counterparty_iban text,
  structured_communication text,
  free_communication text,
  bank_reference text,
  imported_at timestamptz not null,
  unique (organization_id, id),
  constraint bank_statement_lines_movement_key unique (organization_id, account_iban, statement_year, statement_number, sequence, detail),
  foreign key (organization_id, building_id) references buildings (organization_id, id)
);

-- ── Owner payments ──────────────────────────────────────────────────────────
create table payments (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  building_id uuid not null,
  amount_cents bigint not null check (amount_cents > 0),
  paid_on date not null,
  account text not null check (account in ('current', 'reserve')),
  communication text check (communication ~ '^[0-9]{12}$'),
  free_communication text check (length(free_communication) <= 500),
  counterparty_name text check (length(counterparty_name) <= 200),
  status text not null check (status in ('matched', 'unmatched')),
  person_id uuid, -- the owner whose account the payment settles (null while unmatched: account 4990)
  receivable_account text check (receivable_account in ('4100', '4101')),
  source text not null check (source in ('manual', 'coda')),
  bank_statement_line_id uuid,
  entry_id uuid not null,            -- FIN: bank / owner account (or 4990)
  allocation_entry_id uuid,          -- OD: 4990 / owner account, when allocated by hand
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (organization_id, id),
  constraint payments_statement_line_key unique (bank_statement_line_id),
  check ((status = 'matched') = (person_id is not null and receivable_account is not null)),
  foreign key (organization_id, building_id) references buildings (organization_id, id),
  foreign key (organization_id, person_id) references persons (organization_id, id),
  foreign key (organization_id, bank_statement_line_id) references bank_statement_lines (organization_id, id)
);
create index payments_building_date on payments (organization_id, building_id, paid_on, id);

-- Only an unmatched payment may change, once: to matched (manual allocation). Never deleted.
create function payments_guard() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    raise exception 'payment.immutable' using detail = 'Payments are never deleted', hint = json_build_object('id', old.id)::text;
  end if;
  if old.status = 'matched'
     or (new.organization_id, new.building_id, new.amount_cents, new.paid_on, new.account, new.communication, new.source,
         new.bank_statement_line_id, new.entry_id, new.created_at)
        is distinct from
        (old.organization_id, old.building_id, old.amount_cents, old.paid_on, old.account, old.communication, old.source,
         old.bank_statement_line_id, old.entry_id, old.created_at) then
    raise exception 'payment.immutable' using detail = 'Only an unmatched payment may be allocated, once', hint = json_build_object('id', old.id)::text;
  end if;
  return new;
end $$;
create trigger payments_immutable before update or delete on payments for each row execute function payments_guard();

-- The part of a payment applied to an owner call (partial payments: several rows per owner call).
create table payment_allocations (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  payment_id uuid not null,
  owner_call_id uuid not null,
  cents bigint not null check (cents > 0),
  created_at timestamptz not null,
  constraint payment_allocations_pair_key unique (payment_id, owner_call_id),
  foreign key (organization_id, payment_id) references payments (organization_id, id),
  foreign key (organization_id, owner_call_id) references owner_calls (organization_id, id)
);
create index payment_allocations_owner_call on payment_allocations (owner_call_id);

-- An owner call is never over-allocated.
create function payment_allocations_check() returns trigger language plpgsql as $$
declare
  total bigint;
  due bigint;
begin
  select oc.amount_cents into due from owner_calls oc where oc.id = new.owner_call_id for update;
  select coalesce(sum(a.cents), 0) into total from payment_allocations a where a.owner_call_id = new.owner_call_id;
  if total > due then
    raise exception 'payment.over_allocated' using detail = format('Allocations of %s cents exceed the owner call of %s cents', total, due),
      hint = json_build_object('ownerCallId', new.owner_call_id)::text;
  end if;
  return null;
end $$;
create trigger payment_allocations_within_call after insert on payment_allocations
  for each row execute function payment_allocations_check();

create function calls_append_only() returns trigger language plpgsql as $$
begin
  raise exception '%', tg_argv[0] using detail = 'This record is written once and never changes';
end $$;
create trigger owner_calls_append_only before update or delete on owner_calls
  for each row execute function calls_append_only('owner_call.immutable');
create trigger owner_call_lots_append_only before update or delete on owner_call_lots
  for each row execute function calls_append_only('owner_call.immutable');
create trigger payment_allocations_append_only before update or delete on payment_allocations
  for each row execute function calls_append_only('payment.immutable');
create trigger bank_statement_lines_append_only before update or delete on bank_statement_lines
  for each row execute function calls_append_only('bank_statement.immutable');

-- ── Idempotency of POST …/payments ──────────────────────────────────────────
-- The first request with a key inserts the row; a concurrent one with the same key waits on the
-- unique index, then finds it. The first answer is kept and replayed.
create table payment_requests (
  organization_id uuid not null references organizations (id),
  idempotency_key text not null check (length(idempotency_key) between 1 and 200),
  building_id uuid not null,
  request text not null, -- canonical JSON of the building and the body
  payment_id uuid,
  response jsonb,
  created_at timestamptz not null,
  primary key (organization_id, idempotency_key),
  foreign key (organization_id, building_id) references buildings (organization_id, id),
  foreign key (organization_id, payment_id) references payments (organization_id, id)
);
