-- In-app notifications, each user's preferences per category and channel, and announcements sent to
-- many users by a background job (its cursor and progress are here, so a restart resumes it).

CREATE TABLE notifications (
  id text PRIMARY KEY,                                   -- ntf_…
  -- Insertion order: the list's order and cursor (the clock may stand still between two).
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  user_id text NOT NULL REFERENCES users (id),
  category text NOT NULL CHECK (category IN ('security', 'trading', 'wallet', 'kyc', 'support', 'announcements')),
  title text NOT NULL,
  body text NOT NULL,
  -- A path in the portal ('/account/verification') or null.
  link text,
  -- Set for an announcement's copy: one per user, so a resumed send never delivers twice.
  announcement_id text,
  created_at timestamptz NOT NULL,
  read_at timestamptz,
  UNIQUE (announcement_id, user_id)
);
CREATE INDEX notifications_user ON notifications (user_id, seq DESC);
CREATE INDEX notifications_unread ON notifications (user_id, category) WHERE read_at IS NULL;

-- No row: the category's defaults (notification-categories.ts).
CREATE TABLE notification_preferences (
  user_id text NOT NULL REFERENCES users (id),
  category text NOT NULL,
  in_app boolean NOT NULL,
  email boolean NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, category)
);

CREATE TABLE announcements (
  id text PRIMARY KEY,                                   -- ann_…
  title text NOT NULL,
  body text NOT NULL,
  link text,
  -- The segment: users at this KYC level or above (0: everyone).
  min_kyc_level integer NOT NULL DEFAULT 0,
  email boolean NOT NULL,
  status text NOT NULL CHECK (status IN ('sending', 'done', 'cancelled')),
  -- Users in the segment when it was created, and how many the job has gone through so far.
  total integer NOT NULL,
  sent integer NOT NULL DEFAULT 0,
  -- The last user id handled (users are walked in id order); '' before the first batch.
  cursor text NOT NULL DEFAULT '',
  -- The worker sending it holds a lease; a crashed worker's lease runs out and another resumes.
  lease_token text,
  lease_until timestamptz,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  finished_at timestamptz
);
CREATE INDEX announcements_sending ON announcements (created_at) WHERE status = 'sending';
