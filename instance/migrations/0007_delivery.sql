-- Delivery of documents to persons: e-mail (with written consent, 3.87 §3) or post (print batches),
-- and the immutable archive of every document sent (exact bytes and their SHA-256).
-- Every table carries organization_id and composite (organization_id, x_id) foreign keys, like 0002.
-- Triggers raise P0001 with the error code as message (see platform/http-errors.ts).

-- ── Archive: the exact bytes of every document, attachment, e-mail (MIME) and print batch ─────
create table archived_documents (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references organizations (id),
  building_id uuid,
  person_id uuid, -- null for a print batch (several persons)
  kind text not null check (kind in ('attachment', 'email', 'print_batch')),
  filename text not null check (length(filename) between 1 and 255),
  content_type text not null check (length(content_type) between 1 and 255),
  size_bytes integer not null check (size_bytes >= 0),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  content bytea not null,
  related_type text not null check (length(related_type) between 1 and 100),
  related_id uuid not null,
  created_at timestamptz not null,
  unique (organization_id, id),
  check (length(content) = size_bytes),
  check (sha256 = encode(sha256(content), 'hex')),
  foreign key (organization_id, building_id) references buildings (organization_id, id),
  foreign key (organization_id, person_id) references persons (organization_id, id)
);
create index archived_documents_related on archived_documents (organization_id, related_type, related_id);

create function archived_documents_immutable() returns trigger language plpgsql as $$
begin
  raise exception 'archived_document.immutable' using detail = 'An archived document is never changed or deleted',
    hint = json_build_object('id', old.id)::text;
end $$;
create trigger archived_documents_immutable before update or delete on archived_documents
  for each row execute function archived_documents_immutable();

-- ── Print batches: one PDF with every queued letter of a building ───────────────────────────
create table print_batches (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  building_id uuid not null,
  document_id uuid not null,
  letter_count integer not null check (letter_count > 0),
  page_count integer not null check (page_count > 0),
  created_by uuid,
  created_at timestamptz not null,
  unique (organization_id, id),
  foreign key (organization_id, building_id) references buildings (organization_id, id),
  foreign key (organization_id, document_id) references archived_documents (organization_id, id)
);
create index print_batches_building on print_batches (organization_id, building_id, created_at);

-- ── Deliveries: one message to one person, by e-mail or by post ─────────────────────────────
create table deliveries (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null,
  building_id uuid not null,
  person_id uuid not null,
  purpose text not null check (purpose in ('reminder', 'convocation', 'minutes', 'notice')),
  channel text not null check (channel in ('email', 'post')),
  status text not null check (status in ('queued', 'sent', 'failed', 'bounced', 'printed')),
  subject text not null check (length(subject) between 1 and 500),
  body_text text not null,
  -- E-mail: the address used, the archived MIME message (the exact bytes sent).
  recipient_email text check (length(recipient_email) between 3 and 254),
  message_document_id uuid,
  -- Post: the address block as printed (snapshot at queue time).
  postal_address jsonb,
  print_batch_id uuid,
  -- 'smtp' (handed to SMTP_URL) or 'outbox' (written to OUTBOX_DIR) once sent.
  transport text check (transport in ('smtp', 'outbox')),
  outbox_file text,
  attempts integer not null default 0 check (attempts >= 0),
  last_error text,
  provider_message_id text,
  sent_at timestamptz,
  related_type text not null check (length(related_type) between 1 and 100),
  related_id uuid not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (organization_id, id),
  check ((channel = 'email') = (recipient_email is not null and message_document_id is not null)),
  check ((channel = 'post') = (postal_address is not null)),
  check (status <> 'printed' or (channel = 'post' and print_batch_id is not null)),
  check (status not in ('sent', 'bounced') or channel = 'email'),
  check ((status = 'sent') = (sent_at is not null and transport is not null) or status in ('bounced', 'printed')),
  foreign key (organization_id, building_id) references buildings (organization_id, id),
  foreign key (organization_id, person_id) references persons (organization_id, id),
  foreign key (organization_id, message_document_id) references archived_documents (organization_id, id),
  foreign key (organization_id, print_batch_id) references print_batches (organization_id, id)
);
create index deliveries_org_created on deliveries (organization_id, created_at, id);
create index deliveries_building_status on deliveries (organization_id, building_id, status, channel);
create index deliveries_person on deliveries (organization_id, person_id);

-- The attachments of a delivery (archived documents), in order.
create table delivery_attachments (
  organization_id uuid not null,
  delivery_id uuid not null,
  position integer not null check (position >= 0),
  document_id uuid not null,
  primary key (organization_id, delivery_id, position),
  foreign key (organization_id, delivery_id) references deliveries (organization_id, id),
  foreign key (organization_id, document_id) references archived_documents (organization_id, id)
);
