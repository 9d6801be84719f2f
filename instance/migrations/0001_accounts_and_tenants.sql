-- Accounts, organizations (tenants), role grants, sessions, API tokens, audit log.

create table instance_secrets (
  name text primary key,
  value text not null,
  created_at timestamptz not null default now()
);

create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null check (email = lower(email) and length(email) between 3 and 254),
  display_name text not null check (length(display_name) between 1 and 200),
  password_hash text not null,
  is_instance_admin boolean not null default false,
  created_at timestamptz not null,
  password_changed_at timestamptz not null
);
create unique index users_email_key on users (email);

create table organizations (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 200),
  kind text not null check (kind in ('syndic_office', 'self_managed')),
  created_at timestamptz not null
);

create table role_grants (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id),
  user_id uuid not null references users (id),
  role text not null check (role in ('admin', 'syndic', 'accountant', 'council_member', 'owner')),
  building_id uuid, -- null: the whole organization; the foreign key is added with the buildings table
  granted_by uuid references users (id),
  granted_at timestamptz not null,
  unique nulls not distinct (organization_id, user_id, role, building_id)
);
create index role_grants_user on role_grants (user_id, organization_id);

-- A login session: the family of rotating refresh tokens. Revoking it ends every token of the family.
create table sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id),
  created_at timestamptz not null,
  revoked_at timestamptz,
  revoked_reason text
);
create index sessions_user on sessions (user_id) where revoked_at is null;

create table refresh_tokens (
  id uuid primary key default gen_random_uuid(),
  session_id uuid not null references sessions (id),
  token_hash text not null unique, -- sha256 of the token; the token itself is never stored
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null
);
create index refresh_tokens_session on refresh_tokens (session_id);

create table api_tokens (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id),
  user_id uuid not null references users (id),
  name text not null check (length(name) between 1 and 100),
  token_prefix text not null, -- first characters, to recognise a token in lists
  token_hash text not null unique,
  scopes text[] not null check (scopes <@ array['read', 'write'] and cardinality(scopes) > 0),
  created_at timestamptz not null,
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz
);
create index api_tokens_org on api_tokens (organization_id, created_at);

create table audit_log (
  id bigint generated always as identity primary key,
  organization_id uuid references organizations (id),
  actor_user_id uuid references users (id),
  action text not null,
  entity_type text not null,
  entity_id text not null,
  details jsonb not null default '{}',
  request_id text,
  at timestamptz not null
);
create index audit_log_org_at on audit_log (organization_id, id desc);

-- The audit log is append-only.
create function audit_log_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit.append_only' using detail = 'The audit log cannot be changed or deleted';
end $$;
create trigger audit_log_no_update before update or delete on audit_log
  for each row execute function audit_log_append_only();
