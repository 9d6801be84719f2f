-- The edge grid, instance side (grid-design.md): model registry, enrolment tokens, enrolled nodes,
-- AI drafts (org-scoped), attempts, hash-chained receipts. The grid itself is operated by the
-- instance (the cooperative): models, tokens, nodes and receipts carry no organization; drafts and
-- their attempts belong to one organization (composite foreign keys, like 0002).
-- Triggers raise P0001 with the error code as message (see platform/http-errors.ts).

-- ── Model registry: the only models a node may advertise and be scheduled with ────────────────
create table grid_models (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 200),
  sha256 text not null unique check (sha256 ~ '^[0-9a-f]{64}$'),
  params_millions integer not null check (params_millions between 0 and 1000000),
  role text not null check (role in ('reminder', 'convocation')),
  prompt_template_version text not null check (length(prompt_template_version) between 1 and 50),
  enabled boolean not null default true,
  created_at timestamptz not null,
  updated_at timestamptz not null
);

-- ── Enrolment tokens: single use, 15 minutes, only the SHA-256 is stored ─────────────────────
create table grid_enrolment_tokens (
  id uuid primary key default gen_random_uuid(),
  token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  label text check (length(label) between 1 and 200),
  created_by uuid references users (id),
  created_at timestamptz not null,
  expires_at timestamptz not null,
  used_at timestamptz,
  used_by_peer_id text,
  check ((used_at is null) = (used_by_peer_id is null))
);

-- ── Enrolled nodes: the peer id is the node id (an Ed25519 key, verifiable from the id alone) ──
create table grid_nodes (
  peer_id text primary key check (length(peer_id) between 10 and 200),
  operator_account_id text check (length(operator_account_id) between 1 and 200),
  enrolment_token_id uuid not null references grid_enrolment_tokens (id),
  terms_version text not null,
  consent_at timestamptz not null,
  status text not null default 'offline' check (status in ('online', 'offline')),
  enrolled_at timestamptz not null,
  revoked_at timestamptz,
  revoked_reason text,
  -- 0..1000 (integers, 1000 = perfect); lowered by faults, raised by approved work.
  reputation integer not null default 500 check (reputation between 0 and 1000),
  power_profile jsonb,
  last_ad jsonb,
  last_ad_seq bigint,
  last_ad_expires_at timestamptz,
  last_seen_at timestamptz,
  jobs_done integer not null default 0 check (jobs_done >= 0),
  jobs_failed integer not null default 0 check (jobs_failed >= 0)
);

-- ── AI drafts: one per request; job id = draft id (pg-boss ids are uuids) ─────────────────────
create table grid_drafts (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id),
  building_id uuid not null,
  document_type text not null check (document_type in ('reminder', 'convocation')),
  owner_call_id uuid, -- the debt a reminder is about
  level text check (level in ('Gentle', 'Formal', 'FinalNotice', 'LegalAction')),
  locale text not null check (locale in ('fr', 'nl', 'de', 'en')),
  tone text not null check (tone in ('neutral', 'friendly', 'firm')),
  template_version text not null,
  status text not null check (status in
    ('queued', 'generating', 'ready', 'approved', 'unavailable', 'cancelled')),
  source text check (source in ('grid', 'template', 'syndic')),
  -- The verified draft with placeholders (what the node wrote, or the deterministic template).
  subject_template text,
  body_template text,
  -- Flags raised by verification (e.g. legal mentions added by the template frame).
  flags jsonb not null default '[]',
  peer_id text references grid_nodes (peer_id),
  model_sha256 text,
  attempts integer not null default 0 check (attempts >= 0),
  last_fault text,
  requested_by uuid references users (id),
  approved_by uuid references users (id),
  approved_at timestamptz,
  -- Set only on approval: the text with real values (never leaves the instance).
  subject_final text,
  body_final text,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (organization_id, id),
  check ((document_type = 'reminder') = (level is not null)),
  check ((status = 'approved') = (approved_at is not null)),
  foreign key (organization_id, building_id) references buildings (organization_id, id),
  foreign key (organization_id, owner_call_id) references owner_calls (organization_id, id)
);
create index grid_drafts_building on grid_drafts (organization_id, building_id, created_at desc, id);

-- ── Attempts: our own history (pg-boss only knows retry counts); excluded peers come from here ─
create table grid_attempts (
  organization_id uuid not null,
  job_id uuid not null,
  attempt integer not null check (attempt between 1 and 100),
  peer_id text not null references grid_nodes (peer_id),
  nonce text not null unique,
  state text not null check (state in ('running', 'succeeded', 'failed')),
  fault text,
  node_fault boolean not null default false,
  stop_reason text,
  busy_ms integer,
  prompt_sha256 text,
  started_at timestamptz not null,
  ended_at timestamptz,
  primary key (job_id, attempt),
  foreign key (organization_id, job_id) references grid_drafts (organization_id, id)
);
create index grid_attempts_peer on grid_attempts (peer_id, started_at);

-- ── Receipts: node-signed, instance-countersigned, hash-chained, append-only ─────────────────
create table grid_receipts (
  seq bigint generated always as identity primary key,
  job_id uuid not null,
  attempt integer not null,
  peer_id text not null references grid_nodes (peer_id),
  receipt jsonb not null,
  receipt_sha256 text not null unique check (receipt_sha256 ~ '^[0-9a-f]{64}$'),
  verdict text not null check (verdict in ('accepted', 'accepted_recount_mismatch', 'accepted_unrecounted')),
  recounted_prompt_tokens integer not null check (recounted_prompt_tokens >= 0),
  recounted_output_tokens integer not null check (recounted_output_tokens >= 0),
  units bigint not null check (units >= 0),
  prev_hash text not null check (prev_hash ~ '^[0-9a-f]{64}$'),
  hash text not null unique check (hash ~ '^[0-9a-f]{64}$'),
  countersignature text not null,
  created_at timestamptz not null,
  unique (job_id, attempt),
  foreign key (job_id, attempt) references grid_attempts (job_id, attempt)
);

create function grid_receipts_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'grid_receipt.immutable' using detail = 'Grid receipts are append-only';
end $$;
create trigger grid_receipts_append_only before update or delete on grid_receipts
  for each row execute function grid_receipts_append_only();

-- ── Audit of refused ads and receipts, by peer (instance-level, no organization) ──────────────
create table grid_events (
  id bigint generated always as identity primary key,
  peer_id text not null,
  kind text not null check (length(kind) between 1 and 100),
  details jsonb not null default '{}',
  at timestamptz not null
);
create index grid_events_peer on grid_events (peer_id, id desc);

-- ── Energy per attempt (grid-design §10): estimated from the instance-measured busy time and the ──
-- node's declared power profile; integers (mW, ms, mWh). A node-measured figure is stored beside it.
create table grid_energy (
  job_id uuid not null,
  attempt integer not null,
  peer_id text not null references grid_nodes (peer_id),
  busy_ms integer not null check (busy_ms >= 0),
  load_mw integer not null check (load_mw >= 0),
  idle_mw integer not null check (idle_mw >= 0),
  source text not null check (source in ('meter', 'rapl', 'class-default')),
  total_mwh bigint not null check (total_mwh >= 0),
  marginal_mwh bigint not null check (marginal_mwh >= 0),
  declared_mwh bigint check (declared_mwh >= 0),
  primary key (job_id, attempt),
  foreign key (job_id, attempt) references grid_attempts (job_id, attempt)
);
