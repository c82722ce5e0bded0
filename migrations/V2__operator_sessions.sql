-- Platform operators' refresh tokens: the same families and rules as a studio's users.
CREATE TABLE public.operator_refresh_tokens (
    id         uuid PRIMARY KEY,
    family_id  uuid NOT NULL,
    subject_id uuid NOT NULL REFERENCES public.operators (id) ON DELETE CASCADE,
    token_hash bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    rotated_at timestamptz,
    revoked_at timestamptz,
    CONSTRAINT operator_refresh_tokens_hash_key UNIQUE (token_hash)
);
CREATE INDEX operator_refresh_tokens_family_idx ON public.operator_refresh_tokens (family_id);
CREATE INDEX operator_refresh_tokens_subject_idx ON public.operator_refresh_tokens (subject_id) WHERE revoked_at IS NULL;
