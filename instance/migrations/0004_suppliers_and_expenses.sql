-- Suppliers, distribution keys, expenses (supplier invoices and credit notes), their lines,
-- the per-building expense settings and the charge allocations written when an expense is
-- approved. Every table carries organization_id and composite (organization_id, x_id) foreign
-- keys, like 0002. Triggers raise P0001 with the error code as message (see platform/http-errors.ts).

create table suppliers (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id),
  name text not null check (length(name) between 1 and 200),
  enterprise_number text check (is_valid_enterprise_number(enterprise_number)), -- 10 digits (BCE/KBO = Belgian VAT number)
  iban text check (iban ~ '^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$'),                  -- normalised, no spaces
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (organization_id, id)
);
create unique index suppliers_org_enterprise_number on suppliers (organization_id, enterprise_number) where enterprise_number is not null;
create index suppliers_org_name on suppliers (organization_id, lower(name), id);

-- ── Distribution keys ───────────────────────────────────────────────────────
-- The general key (every lot by its shares) is implicit: no row. A 'lots' key is a subset of lots
-- weighted by their shares (weight null); a 'weights' key gives each lot an integer weight ≥ 0.
create table distribution_keys (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  building_id uuid not null,
  name text not null check (length(name) between 1 and 100),
  kind text not null check (kind in ('lots', 'weights')),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (organization_id, id),
  constraint distribution_keys_building_name_key unique (building_id, name),
  foreign key (organization_id, building_id) references buildings (organization_id, id)
);
create index distribution_keys_building on distribution_keys (organization_id, building_id, name);

create table distribution_key_lots (
  organization_id uuid not null,
  key_id uuid not null,
  lot_id uuid not null,
  weight bigint check (weight >= 0),
  primary key (key_id, lot_id),
  foreign key (organization_id, key_id) references distribution_keys (organization_id, id) on delete cascade,
  foreign key (organization_id, lot_id) references lots (organization_id, id)
);
create index distribution_key_lots_lot on distribution_key_lots (lot_id);

-- A key's lots belong to the key's building; weights are given exactly for 'weights' keys.
create function distribution_key_lots_check() returns trigger language plpgsql as $$
declare
  k record;
begin
  select dk.building_id, dk.kind into k from distribution_keys dk where dk.id = new.key_id;
  if not exists (select 1 from lots l where l.id = new.lot_id and l.building_id = k.building_id) then
    raise exception 'distribution_key.unknown_lot' using detail = 'A lot of a distribution key must belong to the key''s building',
      hint = json_build_object('field', 'lots', 'lotId', new.lot_id)::text;
  end if;
  if (k.kind = 'weights') <> (new.weight is not null) then
    raise exception 'distribution_key.weight_invalid' using detail = 'Weights are given for every lot of a ''weights'' key, and only there',
      hint = json_build_object('field', 'lots', 'lotId', new.lot_id)::text;
  end if;
  return null;
end $$;
create trigger distribution_key_lots_valid after insert or update on distribution_key_lots
  for each row execute function distribution_key_lots_check();

-- ── Expense settings per building ────────────────────────────────────────────
-- approval_threshold_cents: above it (in absolute value, VAT included), approving an expense needs a
-- council member other than its creator. first_occupied_year and residential feed the 6 % VAT check
-- (rules doc §9): unknown year → 6 % is refused.
create table expense_settings (
  organization_id uuid not null,
  building_id uuid not null,
  approval_threshold_cents bigint not null default 500000 check (approval_threshold_cents >= 0),
  first_occupied_year integer check (first_occupied_year between 1000 and 3000),
  residential boolean not null default true,
  updated_at timestamptz not null,
  primary key (organization_id, building_id),
  foreign key (organization_id, building_id) references buildings (organization_id, id)
);

-- ── Expenses ────────────────────────────────────────────────────────────────
create table expenses (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  building_id uuid not null,
  supplier_id uuid not null,
  invoice_number text not null check (length(invoice_number) between 1 and 60),
  invoice_date date not null,
  due_date date not null check (due_date >= invoice_date),
  distribution_key_id uuid, -- null: the general key
  charge_kind text not null check (charge_kind in ('ordinary', 'extraordinary')),
  charge_account text not null check (charge_account ~ '^6[0-9]{1,5}$'),
  description text check (length(description) between 1 and 500),
  credit_note_of uuid, -- a credit note: the approved expense it corrects
  state text not null default 'draft' check (state in ('draft', 'pending_approval', 'approved', 'rejected')),
  rejection_reason text check (length(rejection_reason) between 1 and 1000),
  payment_state text not null default 'unpaid' check (payment_state in ('unpaid', 'paid')),
  paid_on date,
  net_cents bigint not null,
  vat_cents bigint not null,
  gross_cents bigint not null,
  created_by uuid references users (id),
  submitted_at timestamptz,
  decided_at timestamptz,
  decided_by uuid references users (id),
  approval_entry_id uuid, -- the ACH journal entry (0003's journal)
  payment_entry_id uuid,  -- the FIN journal entry
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (organization_id, id),
  check (gross_cents = net_cents + vat_cents),
  check ((credit_note_of is null and gross_cents >= 0) or (credit_note_of is not null and gross_cents <= 0)),
  check ((state = 'rejected') = (rejection_reason is not null)),
  check ((payment_state = 'paid') = (paid_on is not null)),
  check (payment_state = 'unpaid' or state = 'approved'),
  foreign key (organization_id, building_id) references buildings (organization_id, id),
  foreign key (organization_id, supplier_id) references suppliers (organization_id, id),
  foreign key (organization_id, distribution_key_id) references distribution_keys (organization_id, id),
  foreign key (organization_id, credit_note_of) references expenses (organization_id, id)
);
-- One live invoice number per supplier (a rejected invoice frees its number).
create unique index expenses_supplier_invoice_number on expenses (organization_id, supplier_id, invoice_number) where state <> 'rejected';
create index expenses_building_date on expenses (organization_id, building_id, invoice_date, id);
create index expenses_credit_note_of on expenses (credit_note_of) where credit_note_of is not null;

create table expense_lines (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  expense_id uuid not null,
  position integer not null check (position >= 1),
  description text not null check (length(description) between 1 and 300),
  work_kind text not null check (length(work_kind) between 1 and 40),
  net_cents bigint not null check (net_cents <> 0),
  vat_rate_bp integer not null check (vat_rate_bp in (0, 600, 1200, 2100)),
  vat_cents bigint not null,
  gross_cents bigint not null,
  check (gross_cents = net_cents + vat_cents),
  unique (expense_id, position),
  foreign key (organization_id, expense_id) references expenses (organization_id, id) on delete cascade
);

-- ── Approved (and rejected) expenses are immutable ──────────────────────────
-- Once decided, only the payment may change (unpaid → paid, once), and the row is never deleted.
-- While pending approval, only the decision may be recorded. Corrections go through a credit note.
create function expenses_guard() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    if old.state <> 'draft' then
      raise exception 'expense.immutable' using detail = format('A %s expense cannot be deleted', old.state),
        hint = json_build_object('id', old.id, 'state', old.state)::text;
    end if;
    return old;
  end if;
  if old.state in ('approved', 'rejected', 'pending_approval') and
     (new.organization_id, new.building_id, new.supplier_id, new.invoice_number, new.invoice_date, new.due_date,
      new.distribution_key_id, new.charge_kind, new.charge_account, new.description, new.credit_note_of,
      new.net_cents, new.vat_cents, new.gross_cents, new.created_by, new.created_at)
     is distinct from
     (old.organization_id, old.building_id, old.supplier_id, old.invoice_number, old.invoice_date, old.due_date,
      old.distribution_key_id, old.charge_kind, old.charge_account, old.description, old.credit_note_of,
      old.net_cents, old.vat_cents, old.gross_cents, old.created_by, old.created_at) then
    raise exception 'expense.immutable' using detail = format('The amounts and details of a %s expense cannot change; correct it with a credit note', old.state),
      hint = json_build_object('id', old.id, 'state', old.state)::text;
  end if;
  if old.state in ('approved', 'rejected') and new.state is distinct from old.state then
    raise exception 'expense.illegal_transition' using detail = format('An expense cannot go from %s to %s', old.state, new.state),
      hint = json_build_object('from', old.state, 'to', new.state)::text;
  end if;
  if old.payment_state = 'paid' and (new.payment_state, new.paid_on, new.payment_entry_id) is distinct from (old.payment_state, old.paid_on, old.payment_entry_id) then
    raise exception 'expense.illegal_transition' using detail = 'A paid expense stays paid',
      hint = json_build_object('from', 'paid', 'to', new.payment_state)::text;
  end if;
  return new;
end $$;
create trigger expenses_immutable before update or delete on expenses
  for each row execute function expenses_guard();

create function expense_lines_guard() returns trigger language plpgsql as $$
declare
  st text;
  eid uuid := coalesce(new.expense_id, old.expense_id);
begin
  select e.state into st from expenses e where e.id = eid;
  if st is not null and st <> 'draft' then
    raise exception 'expense.immutable' using detail = format('The lines of a %s expense cannot change; correct it with a credit note', st),
      hint = json_build_object('id', eid, 'state', st)::text;
  end if;
  return coalesce(new, old);
end $$;
create trigger expense_lines_immutable before insert or update or delete on expense_lines
  for each row execute function expense_lines_guard();

-- ── Charge allocations ──────────────────────────────────────────────────────
-- One row per (expense, lot, person, account) when an approved expense is distributed; the
-- year-end décompte reads them. charge_date: the expense's invoice date. Append-only.
create table charge_allocations (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  building_id uuid not null,
  expense_id uuid not null,
  lot_id uuid not null,
  person_id uuid not null,
  account text not null,
  cents bigint not null,
  charge_date date not null,
  created_at timestamptz not null,
  unique (expense_id, lot_id, person_id, account),
  foreign key (organization_id, building_id) references buildings (organization_id, id),
  foreign key (organization_id, expense_id) references expenses (organization_id, id),
  foreign key (organization_id, lot_id) references lots (organization_id, id),
  foreign key (organization_id, person_id) references persons (organization_id, id)
);
create index charge_allocations_building_date on charge_allocations (organization_id, building_id, charge_date);
create index charge_allocations_person on charge_allocations (organization_id, person_id);

create function charge_allocations_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'charge_allocation.immutable' using detail = 'Charge allocations are written once, when the expense is approved';
end $$;
create trigger charge_allocations_no_change before update or delete on charge_allocations
  for each row execute function charge_allocations_append_only();

-- ── Links into 0003's journal ───────────────────────────────────────────────
-- The supplier sub-ledger (account 440 lines carry supplier_id) and the entries an expense posted.
alter table journal_lines add constraint journal_lines_supplier_fk
  foreign key (organization_id, supplier_id) references suppliers (organization_id, id);
create index journal_lines_supplier on journal_lines (organization_id, supplier_id) where supplier_id is not null;
alter table expenses
  add constraint expenses_approval_entry_fk foreign key (organization_id, building_id, approval_entry_id)
    references journal_entries (organization_id, building_id, id),
  add constraint expenses_payment_entry_fk foreign key (organization_id, building_id, payment_entry_id)
    references journal_entries (organization_id, building_id, id);
