-- The grid's revenue-share ledger (grid-design §9, docs/revenue-share.md). Instance-level, like the
-- nodes: the cooperative operates the grid. Every table is append-only; a correction is a reversing
-- row, never an update. Amounts are integer cents; units are integer work units (≈ GFLOPs).

-- ── Prices: what one accepted job earns; the latest row is in force ──────────────────────────
create table grid_prices (
  id bigint generated always as identity primary key,
  per_draft_cents bigint not null check (per_draft_cents between 0 and 1000000),
  per_thousand_tokens_cents bigint not null check (per_thousand_tokens_cents between 0 and 1000000),
  set_by uuid references users (id),
  set_at timestamptz not null
);

-- ── Work: one row per node per approved job (redundant runs credit each node that passed) ────
create table grid_work (
  id bigint generated always as identity primary key,
  period text not null check (period ~ '^\d{4}-(0[1-9]|1[0-2])$'),
  peer_id text not null references grid_nodes (peer_id),
  job_id uuid not null references grid_drafts (id),
  units bigint not null,
  tokens_in bigint not null,
  tokens_out bigint not null,
  -- Declared by the node (its receipt), stored as such; energy never changes money.
  energy_mwh bigint,
  -- The job's price is counted once, on its first work row; redundant runs add units, not revenue.
  price_cents bigint not null,
  reverses_id bigint unique references grid_work (id),
  reason text check (length(reason) between 1 and 500),
  recorded_by uuid references users (id),
  recorded_at timestamptz not null,
  check ((reverses_id is null) = (units >= 0 and tokens_in >= 0 and tokens_out >= 0 and price_cents >= 0)),
  check ((reverses_id is null) or reason is not null)
);
-- Idempotent per job and node: a second recordWork for the same pair inserts nothing.
create unique index grid_work_once on grid_work (job_id, peer_id) where reverses_id is null;
create index grid_work_period on grid_work (period, peer_id);

-- ── Closes: one per period, final; the pool totals stay here even when no node worked ────────
create table grid_closes (
  period text primary key check (period ~ '^\d{4}-(0[1-9]|1[0-2])$'),
  revenue_cents bigint not null check (revenue_cents >= 0),
  dev_cents bigint not null check (dev_cents >= 0),
  sol_cents bigint not null check (sol_cents >= 0),
  total_units bigint not null check (total_units >= 0),
  jobs integer not null check (jobs >= 0),
  head_hash text not null check (head_hash ~ '^[0-9a-f]{64}$'),
  closed_by uuid references users (id),
  closed_at timestamptz not null,
  check (dev_cents + sol_cents = revenue_cents),
  check (dev_cents = (revenue_cents * 80) / 100)
);

-- ── Ledger lines: per node and pool, hash-chained: entry_hash = SHA-256(prev_hash ‖ entry text) ─
create table grid_ledger (
  seq bigint generated always as identity primary key,
  period text not null references grid_closes (period) deferrable initially deferred,
  peer_id text not null references grid_nodes (peer_id),
  pool text not null check (pool in ('dev', 'sol')),
  units bigint not null check (units >= 0),
  cents bigint not null check (cents >= 0),
  prev_hash text not null check (prev_hash ~ '^[0-9a-f]{64}$'),
  entry_hash text not null unique check (entry_hash ~ '^[0-9a-f]{64}$'),
  created_at timestamptz not null,
  unique (period, peer_id, pool)
);

create function grid_ledger_append_only() returns trigger language plpgsql as $$
begin
  raise exception '%', tg_argv[0] using detail = 'The revenue-share ledger is append-only; corrections are reversing entries';
end $$;
create trigger grid_prices_append_only before update or delete on grid_prices
  for each row execute function grid_ledger_append_only('grid_price.immutable');
create trigger grid_work_append_only before update or delete on grid_work
  for each row execute function grid_ledger_append_only('grid_work.immutable');
create trigger grid_closes_append_only before update or delete on grid_closes
  for each row execute function grid_ledger_append_only('grid_ledger.immutable');
create trigger grid_ledger_append_only before update or delete on grid_ledger
  for each row execute function grid_ledger_append_only('grid_ledger.immutable');

-- Work cannot be added to, or reversed in, a closed period.
create function grid_work_open_period() returns trigger language plpgsql as $$
begin
  if exists (select 1 from grid_closes where period = new.period) then
    raise exception 'grid_period.closed' using detail = format('Period %s is closed', new.period);
  end if;
  return new;
end $$;
create trigger grid_work_open_period before insert on grid_work
  for each row execute function grid_work_open_period();
