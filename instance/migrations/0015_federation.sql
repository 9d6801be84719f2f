-- Federation between instances (docs/federation.md): our signing keys, the peers allow-list with their
-- pinned keys, the inbox (nonces, activities), the transactional outbox and its deliveries, alerts.
-- Instance-level tables: federation is run by the operating cooperative, not by a tenant.

-- Our own Ed25519 keys. The private key is AES-256-GCM encrypted with FEDERATION_KEY_SECRET.
create table fed_own_keys (
  key_id text primary key check (length(key_id) <= 300),
  public_key text not null check (public_key ~ '^[A-Za-z0-9_-]{43}$'),
  private_key_enc bytea not null,
  valid_from timestamptz not null,
  -- Rotation: a new key is published first and used for signing only from this time on.
  signing_from timestamptz not null,
  expires_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null
);

create table fed_peers (
  id uuid primary key default gen_random_uuid(),
  host text not null unique check (length(host) between 1 and 255),
  base_url text not null check (length(base_url) <= 300),
  inbox_url text not null check (length(inbox_url) <= 300),
  actor_id text not null check (length(actor_id) <= 300),
  name text check (length(name) <= 200),
  country text check (length(country) <= 2),
  status text not null check (status in ('allowed', 'blocked')),
  circuit_state text not null default 'closed' check (circuit_state in ('closed', 'open', 'half_open')),
  circuit_failures integer not null default 0,
  circuit_first_failure_at timestamptz,
  circuit_opened_at timestamptz,
  last_success_at timestamptz,
  -- Distinct days (YYYY-MM-DD) with failed deliveries since the last success: 7 raise an alert.
  failure_days text[] not null default '{}',
  skew_seconds integer,
  added_at timestamptz not null,
  blocked_at timestamptz,
  block_reason text check (length(block_reason) <= 500)
);

-- Keys of peers, pinned at onboarding or learned through a continuity proof signed by a pinned key.
create table fed_peer_keys (
  key_id text primary key check (length(key_id) <= 300),
  peer_id uuid not null references fed_peers (id),
  public_key text not null check (public_key ~ '^[A-Za-z0-9_-]{43}$'),
  learned text not null check (learned in ('pinned', 'continuity', 'admin', 'fetched')),
  state text not null check (state in ('active', 'revoked', 'expired', 'quarantined')),
  valid_from timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null
);
create index fed_peer_keys_peer on fed_peer_keys (peer_id);

-- (keyid, nonce) of every accepted request: a replay within the window hits the primary key.
create table fed_nonces (
  key_id text not null,
  nonce text not null check (length(nonce) <= 100),
  seen_at timestamptz not null,
  primary key (key_id, nonce)
);
create index fed_nonces_seen on fed_nonces (seen_at);

-- Received activities, deduplicated by id; the body hash detects equivocation (same id, other content).
create table fed_inbox (
  activity_id text primary key check (length(activity_id) <= 500),
  sender_host text not null,
  signer_key_id text not null,
  activity_type text not null,
  body_sha256 text not null,
  body jsonb not null,
  state text not null default 'received' check (state in ('received', 'processed', 'failed')),
  error text check (length(error) <= 500),
  received_at timestamptz not null,
  processed_at timestamptz
);
create index fed_inbox_received on fed_inbox (state, received_at);

-- Transactional outbox: written in the same transaction as the change it announces; the exact bytes stored are the bytes sent.
create table fed_outbox (
  activity_id text primary key check (length(activity_id) <= 500),
  activity_type text not null,
  payload bytea not null,
  body_sha256 text not null,
  -- null: every allowed peer; otherwise the peer hosts it is addressed to.
  recipients text[],
  expires_at timestamptz,
  created_at timestamptz not null,
  fanned_out_at timestamptz
);
create index fed_outbox_pending on fed_outbox (created_at) where fanned_out_at is null;

create table fed_deliveries (
  id uuid primary key,
  activity_id text not null references fed_outbox (activity_id),
  peer_id uuid not null references fed_peers (id),
  state text not null check (state in ('pending', 'in_flight', 'delivered', 'held', 'parked', 'dead', 'expired', 'suspended')),
  attempts integer not null default 0,
  next_attempt_at timestamptz,
  last_status integer,
  last_reason text check (length(last_reason) <= 500),
  receipt jsonb,
  delivered_at timestamptz,
  created_at timestamptz not null,
  unique (activity_id, peer_id)
);
create index fed_deliveries_peer_state on fed_deliveries (peer_id, state);

-- Security and operations alerts for administrators (equivocation, persistent 401s, blocks announced by peers…).
create table fed_alerts (
  id uuid primary key default gen_random_uuid(),
  kind text not null,
  peer_host text,
  details jsonb not null default '{}',
  created_at timestamptz not null
);
create index fed_alerts_created on fed_alerts (created_at desc);

-- Statistics bulletins: ours (one per period) and those received from peers (latest per sender and period).
create table fed_stats_bulletins (
  origin_host text not null,
  period text not null check (period ~ '^\d{4}-(0[1-9]|1[0-2])$'),
  activity_id text not null,
  buildings integer,
  lots integer,
  owners integer,
  software_version text not null,
  published_at timestamptz not null,
  primary key (origin_host, period)
);
