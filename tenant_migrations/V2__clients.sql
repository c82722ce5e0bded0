-- Clients (clientes) and schools (colegios): one table, `kind` tells them apart.
CREATE TABLE clients (
    id            uuid PRIMARY KEY,
    kind          text NOT NULL CHECK (kind IN ('individual', 'school')),
    name          text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    tax_id_type   text CHECK (tax_id_type IN ('ruc', 'dni', 'rut', 'ci', 'nit', 'passport', 'other')),
    tax_id_number text,
    email         citext,
    phone         text,
    address       text,
    notes         text,
    -- Schools only: who to talk to there, and their role (director, promotor, ...).
    contact_name  text,
    contact_role  text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT clients_tax_id_pair CHECK ((tax_id_type IS NULL) = (tax_id_number IS NULL)),
    -- One client per tax id in a studio: a second one is almost always a duplicate.
    CONSTRAINT clients_tax_id_key UNIQUE (tax_id_type, tax_id_number)
);
-- The list's order (name, then id for stability) and the kind filter.
CREATE INDEX clients_name_idx ON clients (lower(name), id);
CREATE INDEX clients_kind_name_idx ON clients (kind, lower(name), id);
-- ?search= matches substrings of name, tax id, email and phone.
CREATE INDEX clients_search_idx ON clients USING gin (
    (lower(name || ' ' || coalesce(tax_id_number, '') || ' ' || coalesce(email::text, '') || ' ' || coalesce(phone, ''))) gin_trgm_ops
);
