-- Transactional outbox: a mail is a row written in the transaction of the action that causes it
-- (registration, password reset, …) and delivered afterwards by deliverPending, so a rolled-back
-- action never mails and a committed one always does (at least once).
CREATE TABLE mail_outbox (
  id text PRIMARY KEY,
  -- The recipient's user, when it is one (anti-phishing code). No foreign key: mail does not depend
  -- on identity, and the outbox outlives the users it wrote to.
  user_id text NULL,
  to_address text NOT NULL,
  template text NOT NULL,
  -- Template variables. Secret ones (links, tokens, codes) are replaced by '[redacted]' once sent
  -- and never leave the module unredacted except through the audited content route.
  vars jsonb NOT NULL DEFAULT '{}'::jsonb,
  status text NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'held')),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  -- When a queued row is due; while a worker delivers it, the end of that worker's lease.
  next_attempt_at timestamptz NOT NULL,
  -- Set by the worker that claimed the row, so a worker whose lease ran out cannot overwrite the
  -- outcome of the one that took over.
  claim_token text NULL,
  last_error text NULL,
  created_at timestamptz NOT NULL,
  sent_at timestamptz NULL,
  message_id text NULL
);

CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at) WHERE status = 'queued';
CREATE INDEX mail_outbox_created_idx ON mail_outbox (created_at DESC, id DESC);
CREATE INDEX mail_outbox_to_idx ON mail_outbox (lower(to_address), created_at DESC);
