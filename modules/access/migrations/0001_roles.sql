-- Roles and who holds them. A role's permissions are names from the permission catalog or
-- prefix patterns ('admin:*'), expanded against the catalog when permissions are resolved;
-- super_admin holds '*' (every permission).
CREATE TABLE roles (
  name text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_]{1,39}$'),
  description text NOT NULL DEFAULT '',
  permissions text[] NOT NULL DEFAULT '{}',
  is_system boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

-- user_id has no foreign key yet: identity's users table is created by another module; the key
-- to users(id) is added by a later migration once identity is in the tree.
CREATE TABLE user_roles (
  user_id text NOT NULL,
  role_name text NOT NULL REFERENCES roles (name) ON DELETE RESTRICT,
  granted_by text NOT NULL,
  granted_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, role_name)
);

CREATE INDEX user_roles_role_name_idx ON user_roles (role_name);
