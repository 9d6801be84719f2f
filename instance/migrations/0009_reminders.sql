-- Payment reminders of owners' overdue receivables (rules doc §7, CDE Book XIX): per-building settings,
-- debts (one per overdue owner call, never a supplier invoice), reminder runs and reminders.
-- Every table carries organization_id and composite (organization_id, x_id) foreign keys, like 0002.
-- Triggers raise P0001 with the error code as message (see platform/http-errors.ts).

-- ── Settings per building ───────────────────────────────────────────────────
-- Consumer-safe mode (Book XIX as a safe harbour) is on by default; switching it off needs a recorded
-- legal basis (ROI clause or AG decision: reference and date) and a reason. Fees are per level, in cents,
-- checked against the pack's caps by the service; postage is the real cost of a letter.
create table reminder_settings (
  organization_id uuid not null,
  building_id uuid not null,
  auto_send_gentle boolean not null default false,
  consumer_safe boolean not null default true,
  consumer_safe_off_reason text check (length(consumer_safe_off_reason) between 3 and 1000),
  consumer_safe_off_reference text check (length(consumer_safe_off_reference) between 3 and 200),
  consumer_safe_off_decided_on date,
  formal_fee_cents integer not null default 0 check (formal_fee_cents >= 0),
  final_notice_fee_cents integer not null default 0 check (final_notice_fee_cents >= 0),
  legal_action_fee_cents integer not null default 0 check (legal_action_fee_cents >= 0),
  postage_cents integer not null default 0 check (postage_cents between 0 and 100000),
  registered_postage_cents integer not null default 0 check (registered_postage_cents between 0 and 100000),
  clause_rate_bp integer check (clause_rate_bp between 0 and 100000),
  updated_at timestamptz not null,
  primary key (organization_id, building_id),
  check (consumer_safe or (consumer_safe_off_reason is not null and consumer_safe_off_reference is not null
    and consumer_safe_off_decided_on is not null)),
  foreign key (organization_id, building_id) references buildings (organization_id, id)
);

-- ── Debts: an owner call that fell due unpaid entered the ladder ─────────────
-- Created by a reminder run (one per owner call: the unique key makes runs idempotent). The balance
-- is never stored: it is the owner call's amount minus its payment allocations.
create table debts (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  building_id uuid not null,
  owner_call_id uuid not null,
  person_id uuid not null,
  status text not null default 'open' check (status in ('open', 'disputed', 'paymentPlan')),
  status_reason text check (length(status_reason) between 1 and 1000),
  status_changed_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (organization_id, id),
  constraint debts_owner_call_key unique (owner_call_id),
  foreign key (organization_id, building_id) references buildings (organization_id, id),
  foreign key (organization_id, owner_call_id) references owner_calls (organization_id, id),
  foreign key (organization_id, person_id) references persons (organization_id, id)
);
create index debts_building on debts (organization_id, building_id, created_at, id);
create index debts_person on debts (organization_id, person_id);

-- ── Reminder runs: one per building and "as of" date (a re-run resumes it) ──
create table reminder_runs (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  building_id uuid not null,
  as_of date not null,
  state text not null check (state in ('running', 'completed', 'failed')),
  trigger text not null check (trigger in ('job', 'api', 'cli')),
  error_code text check (length(error_code) between 1 and 100), -- why a failed run stopped (an AppError code)
  debts_seen integer not null default 0 check (debts_seen >= 0),
  drafted integer not null default 0 check (drafted >= 0),
  auto_sent integer not null default 0 check (auto_sent >= 0),
  -- debts a rule refused in the last pass ([{ownerCallId, code}]): the run goes on with the others
  skipped jsonb not null default '[]' check (jsonb_typeof(skipped) = 'array'),
  started_at timestamptz not null,
  completed_at timestamptz,
  unique (organization_id, id),
  constraint reminder_runs_building_as_of_key unique (building_id, as_of),
  check ((state = 'running') = (completed_at is null)),
  check ((state = 'failed') = (error_code is not null)),
  foreign key (organization_id, building_id) references buildings (organization_id, id)
);

-- ── Reminders: Draft → Approved → Sent, or Cancelled ──────────────────────────
-- Amounts in cents as of `amounts_on` (recomputed when sent); breakdown holds the interest segments.
create table reminders (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  building_id uuid not null,
  debt_id uuid not null,
  person_id uuid not null,
  run_id uuid,
  level text not null check (level in ('Gentle', 'Formal', 'FinalNotice', 'LegalAction')),
  state text not null check (state in ('draft', 'approved', 'sent', 'cancelled')),
  channel text not null check (channel in ('electronic', 'post')),
  drafted_on date not null,
  amounts_on date not null,
  principal_cents bigint not null check (principal_cents >= 0),
  fee_cents bigint not null check (fee_cents >= 0),
  postage_cents bigint not null check (postage_cents >= 0),
  indemnity_cents bigint not null check (indemnity_cents >= 0),
  announced_indemnity_cents bigint not null check (announced_indemnity_cents >= 0),
  interest_cents bigint not null check (interest_cents >= 0),
  earlier_charges_cents bigint not null check (earlier_charges_cents >= 0),
  total_cents bigint not null,
  t1 date,
  interest_from date,
  breakdown jsonb not null default '{}' check (jsonb_typeof(breakdown) = 'object'),
  registered_mail boolean not null default false,
  tracking_number text check (length(tracking_number) between 1 and 100),
  approved_on date,
  approved_at timestamptz,
  approved_by uuid,
  sent_on date,
  sent_at timestamptz,
  delivery_id uuid,
  delivery_channel text check (delivery_channel in ('email', 'post')),
  letter_document_id uuid,
  cancelled_at timestamptz,
  cancel_reason text check (length(cancel_reason) between 1 and 500),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (organization_id, id),
  check (total_cents = principal_cents + fee_cents + postage_cents + indemnity_cents + interest_cents + earlier_charges_cents),
  check (level <> 'FinalNotice' or registered_mail),
  check (tracking_number is null or registered_mail),
  check ((state in ('approved', 'sent')) = (approved_at is not null) or state = 'cancelled'),
  check ((state = 'sent') = (sent_on is not null and sent_at is not null and delivery_id is not null and letter_document_id is not null)),
  check ((state = 'cancelled') = (cancelled_at is not null)),
  foreign key (organization_id, building_id) references buildings (organization_id, id),
  foreign key (organization_id, debt_id) references debts (organization_id, id),
  foreign key (organization_id, person_id) references persons (organization_id, id),
  foreign key (organization_id, run_id) references reminder_runs (organization_id, id),
  foreign key (organization_id, delivery_id) references deliveries (organization_id, id),
  foreign key (organization_id, letter_document_id) references archived_documents (organization_id, id)
);
-- The same level is never drafted (nor sent) twice for a debt while not cancelled: runs are idempotent.
create unique index reminders_debt_level_live on reminders (debt_id, level) where state <> 'cancelled';
-- A level is sent at most once per debt, whatever happens to drafts.
create unique index reminders_debt_level_sent on reminders (debt_id, level) where state = 'sent';
create index reminders_building on reminders (organization_id, building_id, created_at, id);
create index reminders_debt on reminders (organization_id, debt_id);
create index reminders_person on reminders (organization_id, person_id);

-- A sent or cancelled reminder never changes, except a sent FinalNotice's tracking number (set after posting).
create function reminders_guard() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    raise exception 'reminder.immutable' using detail = 'Reminders are never deleted', hint = json_build_object('id', old.id)::text;
  end if;
  if (old.state = 'cancelled' and row(new.*) is distinct from row(old.*))
     or (old.state = 'sent' and (to_jsonb(new) - 'tracking_number' - 'updated_at') is distinct from (to_jsonb(old) - 'tracking_number' - 'updated_at')) then
    raise exception 'reminder.immutable' using detail = 'A sent or cancelled reminder cannot change', hint = json_build_object('id', old.id)::text;
  end if;
  return new;
end $$;
create trigger reminders_immutable before update or delete on reminders for each row execute function reminders_guard();

-- A payment that settles an owner call stops its ladder at once: the waiting reminders of its debt
-- (draft or approved) are cancelled in the transaction that records the allocation.
create function reminders_stop_when_settled() returns trigger language plpgsql as $$
begin
  if (select coalesce(sum(a.cents), 0) from payment_allocations a where a.owner_call_id = new.owner_call_id)
     >= (select oc.amount_cents from owner_calls oc where oc.id = new.owner_call_id) then
    update reminders r set state = 'cancelled', cancelled_at = new.created_at, cancel_reason = 'settled', updated_at = new.created_at
    from debts d
    where d.owner_call_id = new.owner_call_id and r.debt_id = d.id and r.organization_id = new.organization_id
      and r.state in ('draft', 'approved');
  end if;
  return null;
end $$;
create trigger payment_allocations_stop_reminders after insert on payment_allocations
  for each row execute function reminders_stop_when_settled();
