-- Notifications: in-app notifications per user, outgoing webhooks per organization and their delivery log.
-- Live events need no table: they travel through pg_notify('koprogo_events', …), sent at commit.
-- Payloads hold ids and figures, never personal contact data.

create table notifications (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id),
  user_id uuid not null references users (id),
  type text not null check (type ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$' and length(type) <= 100),
  payload jsonb not null default '{}' check (jsonb_typeof(payload) = 'object'),
  created_at timestamptz not null,
  read_at timestamptz,
  unique (organization_id, id)
);
create index notifications_user on notifications (organization_id, user_id, created_at, id);
create index notifications_unread on notifications (organization_id, user_id) where read_at is null;

-- The secret signs each delivery (HMAC-SHA256), so it is kept as is; it is shown once, at creation.
-- A deleted webhook keeps its row (deleted_at) so its delivery log stays consistent; it receives nothing more.
create table webhooks (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id),
  url text not null check (url ~ '^https?://' and length(url) <= 2000),
  secret text not null,
  event_types text[] not null check (cardinality(event_types) between 1 and 50),
  description text check (length(description) between 1 and 200),
  created_by uuid references users (id),
  created_at timestamptz not null,
  deleted_at timestamptz,
  unique (organization_id, id)
);
create index webhooks_org on webhooks (organization_id, created_at) where deleted_at is null;

-- One delivery per (webhook, event); its body is frozen at publication, so every retry sends the same bytes.
create table webhook_deliveries (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  webhook_id uuid not null,
  event_id uuid not null,
  event_type text not null,
  body text not null,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
  created_at timestamptz not null,
  delivered_at timestamptz,
  unique (organization_id, id),
  unique (webhook_id, event_id),
  foreign key (organization_id, webhook_id) references webhooks (organization_id, id)
);
create index webhook_deliveries_webhook on webhook_deliveries (organization_id, webhook_id, created_at, id);

-- Every attempt of a delivery: HTTP status (null when no answer), error, duration.
create table webhook_delivery_attempts (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  delivery_id uuid not null,
  attempt integer not null check (attempt >= 1),
  status_code integer check (status_code between 100 and 599),
  error text check (length(error) <= 500),
  duration_ms integer not null check (duration_ms >= 0),
  attempted_at timestamptz not null,
  unique (delivery_id, attempt),
  foreign key (organization_id, delivery_id) references webhook_deliveries (organization_id, id)
);
