-- Delivery hardening: bounces with their SMTP reply, every send attempt, the postal fallback of a
-- bounced e-mail, and revocation notices for live sockets.

-- ── Bounces ─────────────────────────────────────────────────────────────────────────────────
-- A bounce is either synchronous (a 5xx reply at RCPT TO or DATA) or reported later (a DSN, or an
-- operator who records it). smtp_code: the reply code (RCPT/DATA) or, for a DSN, null and the
-- enhanced status code ("5.1.1") in bounce_status. fallback_of: the bounced e-mail a postal letter replaces.
alter table deliveries
  add column smtp_code integer check (smtp_code between 200 and 599),
  add column bounce_status text check (bounce_status ~ '^[245]\.[0-9]{1,3}\.[0-9]{1,3}$'),
  add column bounce_reason text check (length(bounce_reason) between 1 and 1000),
  add column bounce_source text check (bounce_source in ('smtp', 'dsn', 'manual')),
  add column bounced_at timestamptz,
  add column fallback_of uuid,
  add constraint deliveries_fallback_of foreign key (organization_id, fallback_of) references deliveries (organization_id, id),
  add constraint deliveries_bounce_recorded check ((status = 'bounced') = (bounced_at is not null and bounce_reason is not null and bounce_source is not null)),
  add constraint deliveries_fallback_is_post check (fallback_of is null or channel = 'post');
-- One postal fallback per bounced e-mail, even when two bounce reports arrive at once.
create unique index deliveries_one_fallback on deliveries (organization_id, fallback_of) where fallback_of is not null;

-- Every send attempt of an e-mail: its outcome and the SMTP reply (null when there was none, e.g. connection refused).
create table delivery_attempts (
  organization_id uuid not null,
  delivery_id uuid not null,
  attempt integer not null check (attempt >= 1),
  outcome text not null check (outcome in ('sent', 'retry', 'failed', 'bounced')),
  smtp_code integer check (smtp_code between 200 and 599),
  smtp_command text check (length(smtp_command) <= 40),
  error text check (length(error) <= 1000),
  attempted_at timestamptz not null,
  primary key (organization_id, delivery_id, attempt),
  foreign key (organization_id, delivery_id) references deliveries (organization_id, id)
);

-- ── Revocations, for live sockets ───────────────────────────────────────────────────────────
-- Whatever code path revokes a session (logout, password change, refresh-token reuse) or removes a
-- role grant, the notice leaves at commit, so open WebSockets of that session or user close at once.
create function notify_session_revoked() returns trigger language plpgsql as $$
begin
  if old.revoked_at is null and new.revoked_at is not null then
    perform pg_notify('koprogo_revocations', json_build_object('kind', 'session', 'sessionId', new.id, 'userId', new.user_id)::text);
  end if;
  return null;
end $$;
create trigger sessions_revoked after update of revoked_at on sessions
  for each row execute function notify_session_revoked();

create function notify_grant_removed() returns trigger language plpgsql as $$
begin
  perform pg_notify('koprogo_revocations',
    json_build_object('kind', 'grant', 'userId', old.user_id, 'organizationId', old.organization_id)::text);
  return null;
end $$;
create trigger role_grants_removed after delete or update of user_id, organization_id on role_grants
  for each row execute function notify_grant_removed();
