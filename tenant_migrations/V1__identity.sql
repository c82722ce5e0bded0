-- A studio's users. Runs with search_path "t_<slug>", extensions: unqualified names land
-- in the tenant's schema; citext comes from the extensions schema.
CREATE TABLE users (
    id            uuid PRIMARY KEY,
    -- Unique per studio, case-insensitive; the same person may work for two studios.
    email         citext NOT NULL,
    full_name     text NOT NULL CHECK (length(btrim(full_name)) BETWEEN 1 AND 120),
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('admin', 'manager', 'accountant', 'staff')),
    active        boolean NOT NULL DEFAULT true,
    phone         text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz,
    CONSTRAINT users_email_key UNIQUE (email)
);
