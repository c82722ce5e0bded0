-- Refresh tokens in families (rotation and reuse detection), avatars, and the audit trail.

-- Opaque refresh tokens, stored as SHA-256 hashes. A family is every token descended from
-- one sign-in; presenting a token that was already rotated revokes the whole family.
CREATE TABLE refresh_tokens (
    id         uuid PRIMARY KEY,
    family_id  uuid NOT NULL,
    subject_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    -- Set when this token was exchanged for its successor.
    rotated_at timestamptz,
    -- Set on the whole family at logout, password change, deactivation or detected reuse.
    revoked_at timestamptz,
    CONSTRAINT refresh_tokens_hash_key UNIQUE (token_hash)
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_subject_idx ON refresh_tokens (subject_id) WHERE revoked_at IS NULL;

-- The avatar file's generated name under the studio's data folder, and its checked type.
ALTER TABLE users
    ADD COLUMN avatar_file text CHECK (avatar_file ~ '^[0-9a-f-]{36}\.(jpg|png|webp)$'),
    ADD COLUMN avatar_content_type text CHECK (avatar_content_type IN ('image/jpeg', 'image/png', 'image/webp'));

-- Every write and every security event. No foreign key on the actor: the trail outlives users.
CREATE TABLE audit_log (
    id         uuid PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    actor_id   uuid,
    action     text NOT NULL,
    entity     text NOT NULL,
    entity_id  text,
    -- {"before": {...}, "after": {...}} with the fields that changed, or event details.
    changes    jsonb NOT NULL DEFAULT '{}',
    request_id text,
    ip         text
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at DESC);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, at DESC);
CREATE INDEX audit_log_action_idx ON audit_log (action, at DESC);
