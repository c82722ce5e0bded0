-- The shared schema: the tenant catalog, custom domains and platform operators.
-- Extensions live in their own schema so a tenant's search_path ("t_x", extensions)
-- reaches them without ever reaching public.
CREATE SCHEMA IF NOT EXISTS extensions;
CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA extensions;
CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA extensions;
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA extensions;

CREATE TABLE public.tenants (
    id             uuid PRIMARY KEY,
    -- Same rule as tenancy::Slug, kept here too so no path can store a bad one.
    slug           text NOT NULL CHECK (slug ~ '^[a-z][a-z0-9-]{1,38}[a-z0-9]$'),
    name           text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 120),
    -- Derived from the slug once and never changed (a rename keeps the schema).
    schema_name    text NOT NULL CHECK (schema_name ~ '^t_[a-z][a-z0-9_]{2,60}$'),
    status         text NOT NULL CHECK (status IN ('provisioning', 'active', 'suspended', 'deleted')),
    country        text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    currency       text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    timezone       text NOT NULL,
    plan           text NOT NULL DEFAULT 'standard',
    -- The highest tenant migration applied to the schema; requests are gated on it.
    schema_version integer NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    suspended_at   timestamptz,
    deleted_at     timestamptz,
    CONSTRAINT tenants_slug_key UNIQUE (slug),
    CONSTRAINT tenants_schema_name_key UNIQUE (schema_name)
);
CREATE INDEX tenants_status_idx ON public.tenants (status, slug);

CREATE TABLE public.tenant_domains (
    -- Lower-case host name without port.
    domain     text NOT NULL CHECK (domain = lower(domain) AND domain ~ '^[a-z0-9.-]{3,253}$'),
    tenant_id  uuid NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tenant_domains_pkey PRIMARY KEY (domain)
);
CREATE INDEX tenant_domains_tenant_idx ON public.tenant_domains (tenant_id);

CREATE TABLE public.operators (
    id            uuid PRIMARY KEY,
    email         extensions.citext NOT NULL,
    full_name     text NOT NULL DEFAULT '',
    password_hash text NOT NULL,
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz,
    CONSTRAINT operators_email_key UNIQUE (email)
);
