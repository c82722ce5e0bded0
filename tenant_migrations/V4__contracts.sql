-- Document numbers (CTR-2026-00001, ORD-..., PRD-...): one counter row per kind and year,
-- bumped inside the transaction that creates the document. Concurrent creators queue on the
-- row's lock; a rolled-back creation gives its number back. Never max()+1 (duplicates under
-- concurrency) and never a sequence (gaps on rollback).
CREATE TABLE document_counters (
    kind       text NOT NULL,
    year       integer NOT NULL CHECK (year BETWEEN 2000 AND 9999),
    last_value integer NOT NULL CHECK (last_value > 0),
    PRIMARY KEY (kind, year)
);

-- Yearly contracts with schools (contratos). `status` is what staff set; "expired" is
-- derived when an active contract's end date has passed, never stored.
CREATE TABLE contracts (
    id                 uuid PRIMARY KEY,
    number             text NOT NULL,
    school_id          uuid NOT NULL REFERENCES clients (id) ON DELETE RESTRICT,
    title              text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    academic_year      integer NOT NULL CHECK (academic_year BETWEEN 2000 AND 2100),
    starts_on          date NOT NULL,
    ends_on            date NOT NULL,
    status             text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'completed', 'cancelled')),
    expected_students  integer CHECK (expected_students BETWEEN 0 AND 100000),
    package_price      numeric(12,2) NOT NULL DEFAULT 0 CHECK (package_price >= 0),
    deposit            numeric(12,2) NOT NULL DEFAULT 0 CHECK (deposit >= 0),
    commission_percent numeric(5,2) NOT NULL DEFAULT 0 CHECK (commission_percent BETWEEN 0 AND 100),
    terms              text,
    signed_on          date,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT contracts_number_key UNIQUE (number),
    CONSTRAINT contracts_dates_check CHECK (ends_on >= starts_on)
);
CREATE INDEX contracts_school_idx ON contracts (school_id);
-- The list's order (newest number first) and the expiring query (active, by end date).
CREATE INDEX contracts_number_idx ON contracts (number DESC);
CREATE INDEX contracts_active_end_idx ON contracts (ends_on) WHERE status = 'active';
CREATE INDEX contracts_search_idx ON contracts USING gin ((lower(number || ' ' || title)) gin_trgm_ops);
