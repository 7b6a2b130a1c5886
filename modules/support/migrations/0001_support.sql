-- Support tickets: the ticket, its thread (user messages, agent replies and internal notes, which the
-- user never sees), attachments (bytes in the storage adapter, encrypted), and canned responses.

CREATE TABLE support_tickets (
  id text PRIMARY KEY,                                   -- tkt_…
  user_id text NOT NULL REFERENCES users (id),
  subject text NOT NULL,
  category text NOT NULL CHECK (category IN ('account', 'deposit', 'withdrawal', 'trading', 'kyc', 'other')),
  priority text NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  status text NOT NULL CHECK (status IN ('open', 'pending', 'resolved', 'closed')),
  -- The agent it is assigned to (a user holding support:tickets), or null.
  assignee_id text REFERENCES users (id),
  -- SLA: the first agent reply is due by this time (from the priority when opened).
  first_response_due_at timestamptz NOT NULL,
  first_response_at timestamptz,
  last_message_at timestamptz NOT NULL,
  resolved_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX support_tickets_user ON support_tickets (user_id, last_message_at DESC);
CREATE INDEX support_tickets_queue ON support_tickets (status, first_response_due_at);
CREATE INDEX support_tickets_assignee ON support_tickets (assignee_id, status);

CREATE TABLE support_messages (
  id text PRIMARY KEY,                                   -- tmsg_…
  -- Thread order (the clock may stand still between two messages).
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  ticket_id text NOT NULL REFERENCES support_tickets (id),
  author_id text NOT NULL REFERENCES users (id),
  author_kind text NOT NULL CHECK (author_kind IN ('user', 'agent')),
  -- An agents-only note: never in the user's view, never mailed.
  internal boolean NOT NULL DEFAULT false,
  body text NOT NULL,
  created_at timestamptz NOT NULL,
  CHECK (NOT internal OR author_kind = 'agent')
);
CREATE INDEX support_messages_ticket ON support_messages (ticket_id, seq);

CREATE TABLE support_attachments (
  id text PRIMARY KEY,                                   -- tatt_…
  ticket_id text NOT NULL REFERENCES support_tickets (id),
  message_id text NOT NULL REFERENCES support_messages (id),
  storage_key text NOT NULL,
  file_name text NOT NULL,
  media_type text NOT NULL,
  size_bytes integer NOT NULL,
  width integer,
  height integer,
  sha256 text NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX support_attachments_message ON support_attachments (message_id);

CREATE TABLE support_canned_responses (
  id text PRIMARY KEY,                                   -- can_…
  title text NOT NULL,
  body text NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
