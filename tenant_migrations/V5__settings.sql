-- A studio's settings: one row per key, its value as JSON. Keys the studio never set take
-- their defaults in code (studio::settings), so adding a setting needs no migration.
CREATE TABLE settings (
    key        text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_]{0,62}$'),
    value      jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by uuid
);
