-- Moving a building's whole file to a peer instance (docs/federation.md, "Moving a building").
-- Source side: the transfer we offered, its bundle (the exact bytes the receiver fetches) and, once the
-- receiver has imported it, the tombstone (moved_to). Receiver side: the offers we received.

create table fed_transfers_out (
  id uuid primary key,
  organization_id uuid not null references organizations (id),
  building_id uuid not null,
  peer_id uuid not null references fed_peers (id),
  -- offered: the building is frozen (writes 409); completed: moved (writes 410 with moved_to).
  state text not null check (state in ('offered', 'completed')),
  activity_id text not null unique check (length(activity_id) <= 300),
  manifest_sha256 text not null check (manifest_sha256 ~ '^[0-9a-f]{64}$'),
  bundle bytea not null,
  counts jsonb not null,
  moved_to text check (length(moved_to) <= 500),
  created_by uuid references users (id),
  created_at timestamptz not null,
  completed_at timestamptz,
  foreign key (organization_id, building_id) references buildings (organization_id, id)
);
-- One live transfer per building: a second offer returns the first.
create unique index fed_transfers_out_building on fed_transfers_out (organization_id, building_id);

create table fed_transfers_in (
  id uuid primary key default gen_random_uuid(),
  transfer_id text not null unique check (length(transfer_id) <= 300),
  offer_activity_id text not null check (length(offer_activity_id) <= 300),
  peer_id uuid not null references fed_peers (id),
  building_id uuid not null,
  building_name text not null check (length(building_name) <= 200),
  manifest_sha256 text not null check (manifest_sha256 ~ '^[0-9a-f]{64}$'),
  bundle_url text not null check (length(bundle_url) <= 500),
  bundle_bytes integer not null check (bundle_bytes >= 0),
  counts jsonb not null,
  state text not null check (state in ('offered', 'imported')),
  -- The organization the receiving administrator chose; set on import.
  organization_id uuid references organizations (id),
  last_error text check (length(last_error) <= 500),
  offered_at timestamptz not null,
  imported_at timestamptz
);

-- Owners across instances (docs/federation.md, "Owner portfolio"): a link between a user of the home
-- instance and a user of a building instance, with consent on both sides. Home side: the owner asked
-- for it (role 'home'); building side: the owner accepted it there (role 'building'). Either side
-- withdraws; the building instance then refuses every fetch.
create table fed_owner_links (
  id uuid primary key,
  link_id text not null check (length(link_id) <= 300), -- the home instance's URL of the link
  side text not null check (side in ('home', 'building')),
  peer_id uuid not null references fed_peers (id),
  user_id uuid references users (id), -- home: the requester; building: the user who accepted
  remote_email text not null check (length(remote_email) between 3 and 254), -- the account the owner named on the building instance
  feed_url text check (length(feed_url) <= 500), -- home side: where the building instance serves this owner's portfolio
  state text not null check (state in ('requested', 'active', 'withdrawn')),
  created_at timestamptz not null,
  accepted_at timestamptz,
  withdrawn_at timestamptz,
  unique (link_id, side)
);
create index fed_owner_links_user on fed_owner_links (user_id) where user_id is not null;
create index fed_owner_links_email on fed_owner_links (lower(remote_email)) where side = 'building';

-- Revenue-ledger heads (docs/federation.md, "Ledger heads"): ours as published, and every peer's as
-- received. One head per (instance, size): a second head of the same size with another hash is an
-- equivocation, refused and alerted; the first stays.
create table fed_ledger_heads (
  origin_host text not null check (length(origin_host) between 1 and 255),
  size bigint not null check (size >= 0),
  head_hash text not null check (head_hash ~ '^[0-9a-f]{64}$'),
  last_period text check (last_period ~ '^\d{4}-(0[1-9]|1[0-2])$'),
  activity_id text not null check (length(activity_id) <= 300),
  published_at timestamptz not null,
  received_at timestamptz not null,
  primary key (origin_host, size)
);
