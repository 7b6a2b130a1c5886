-- Know-your-customer: the forms admins build per verification level (versioned templates), the
-- applications users submit against them, the documents those carry (the bytes live in the storage
-- adapter, encrypted; only their description is here), each application's history, and the level
-- each user holds. The wallet asks that level for its per-level limits.

CREATE TABLE kyc_templates (
  id text PRIMARY KEY,                                   -- ktpl_…
  -- Versions of one form share a family; each version is its own immutable row once used.
  family_id text NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  level integer NOT NULL CHECK (level BETWEEN 1 AND 3),
  name text NOT NULL,
  fields jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('draft', 'active', 'retired')),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  activated_at timestamptz,
  UNIQUE (family_id, version)
);
-- One active form per level.
CREATE UNIQUE INDEX kyc_templates_active_level ON kyc_templates (level) WHERE status = 'active';

CREATE TABLE kyc_applications (
  id text PRIMARY KEY,                                   -- kyc_…
  user_id text NOT NULL REFERENCES users (id),
  level integer NOT NULL CHECK (level BETWEEN 1 AND 3),
  template_id text NOT NULL REFERENCES kyc_templates (id),
  -- The text answers by field key; files are rows of kyc_documents. Emptied on data deletion.
  answers jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'changes_requested', 'erased')),
  -- The reviewer's reason for a rejection or a change request, shown to the user.
  reason text,
  -- Fields the reviewer asked to change.
  change_fields text[] NOT NULL DEFAULT '{}',
  decided_by text,
  decided_at timestamptz,
  -- The form changed after approval: the user is asked to verify again (the level is kept meanwhile).
  reverification_required boolean NOT NULL DEFAULT false,
  provider text,
  provider_reference text,
  submitted_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
-- A user has at most one application waiting for review.
CREATE UNIQUE INDEX kyc_applications_one_pending ON kyc_applications (user_id) WHERE status = 'pending';
CREATE INDEX kyc_applications_queue ON kyc_applications (status, submitted_at);
CREATE INDEX kyc_applications_user ON kyc_applications (user_id, submitted_at DESC);
CREATE UNIQUE INDEX kyc_applications_provider_ref ON kyc_applications (provider, provider_reference)
  WHERE provider_reference IS NOT NULL;

CREATE TABLE kyc_documents (
  id text PRIMARY KEY,                                   -- kdoc_…
  application_id text NOT NULL REFERENCES kyc_applications (id),
  user_id text NOT NULL REFERENCES users (id),
  field_key text NOT NULL,
  -- Where the storage adapter keeps the (encrypted) bytes; null once erased.
  storage_key text,
  media_type text NOT NULL,
  size_bytes integer NOT NULL,
  width integer,
  height integer,
  sha256 text NOT NULL,
  created_at timestamptz NOT NULL,
  erased_at timestamptz,
  UNIQUE (application_id, field_key)
);
CREATE INDEX kyc_documents_user ON kyc_documents (user_id);

-- What happened to each application, in order, for reviewers and the user's history.
CREATE TABLE kyc_events (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  application_id text NOT NULL REFERENCES kyc_applications (id),
  actor text NOT NULL,
  action text NOT NULL,
  reason text,
  at timestamptz NOT NULL
);
CREATE INDEX kyc_events_application ON kyc_events (application_id, seq);

-- The level each user holds (no row: level 0).
CREATE TABLE kyc_user_levels (
  user_id text PRIMARY KEY REFERENCES users (id),
  level integer NOT NULL CHECK (level BETWEEN 0 AND 3),
  application_id text REFERENCES kyc_applications (id),
  updated_at timestamptz NOT NULL
);
CREATE INDEX kyc_user_levels_level ON kyc_user_levels (level);

-- Webhook deliveries already applied, so a provider's retry changes nothing.
CREATE TABLE kyc_provider_events (
  provider text NOT NULL,
  event_id text NOT NULL,
  application_id text NOT NULL REFERENCES kyc_applications (id),
  received_at timestamptz NOT NULL,
  PRIMARY KEY (provider, event_id)
);
