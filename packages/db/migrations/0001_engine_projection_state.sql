-- The projector's exactly-once cursor: the last engine sequence whose events are in the read model,
-- updated in the same transaction as the projected rows. One row only (id = 1).
CREATE TABLE engine_projection_state (
  id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  last_applied_seq bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
