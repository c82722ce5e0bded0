-- School picture days: a contract's roster of students with their access codes, the
-- packages it sells, and the orders families (or staff) place for a student.

-- The last day families order at the normal price; later orders are still taken, flagged
-- late, and carry the contract's late fee.
ALTER TABLE contracts
    ADD COLUMN order_deadline date,
    ADD COLUMN late_fee numeric(12,2) NOT NULL DEFAULT 0 CHECK (late_fee >= 0);

-- One row per student of a contract's roster. `student_id` is the school's own code for the
-- student (re-imports match on it); `access_code` is what the family types to order: 8
-- characters of an alphabet without 0/O/1/I, unique in the studio.
CREATE TABLE roster_students (
    id             uuid PRIMARY KEY,
    contract_id    uuid NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    student_id     text NOT NULL CHECK (student_id ~ '^[A-Za-z0-9._-]{1,40}$'),
    name           text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    grade          text NOT NULL CHECK (length(btrim(grade)) BETWEEN 1 AND 40),
    section        text CHECK (length(section) <= 40),
    guardian_name  text CHECK (length(guardian_name) <= 200),
    guardian_phone text CHECK (length(guardian_phone) <= 30),
    guardian_email citext CHECK (length(guardian_email) <= 254),
    access_code    text NOT NULL CHECK (access_code ~ '^[2-9A-HJ-NP-Z]{8}$'),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT roster_students_student_key UNIQUE (contract_id, student_id),
    CONSTRAINT roster_students_access_code_key UNIQUE (access_code),
    -- Orders reference (id, contract_id), so an order can never join a student of one
    -- contract to a package of another.
    CONSTRAINT roster_students_contract_key UNIQUE (id, contract_id)
);
-- The class list's order: grade, section, name.
CREATE INDEX roster_students_class_idx ON roster_students (contract_id, grade, section, lower(name), id);

-- What a contract sells to its families: a name, a price and what the package holds.
CREATE TABLE picture_packages (
    id          uuid PRIMARY KEY,
    contract_id uuid NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    price       numeric(12,2) NOT NULL CHECK (price >= 0),
    contents    text[] NOT NULL DEFAULT '{}',
    -- A withdrawn package stays on the orders that bought it but takes no new ones.
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT picture_packages_contract_key UNIQUE (id, contract_id)
);
CREATE UNIQUE INDEX picture_packages_name_key ON picture_packages (contract_id, lower(name));

-- A package ordered for a student. The price is the package's at the time of the order;
-- `total` is price plus the late fee. One order per student and package: a family orders
-- several packages, never the same one twice (a double submit is refused).
CREATE TABLE package_orders (
    id          uuid PRIMARY KEY,
    number      text NOT NULL,
    contract_id uuid NOT NULL REFERENCES contracts (id) ON DELETE RESTRICT,
    student_id  uuid NOT NULL,
    package_id  uuid NOT NULL,
    price       numeric(12,2) NOT NULL CHECK (price >= 0),
    late        boolean NOT NULL,
    late_fee    numeric(12,2) NOT NULL CHECK (late_fee >= 0),
    total       numeric(12,2) GENERATED ALWAYS AS (price + late_fee) STORED,
    channel     text NOT NULL CHECK (channel IN ('family', 'staff')),
    -- The staff user who recorded it; NULL for a family's own order.
    recorded_by uuid,
    notes       text CHECK (length(notes) <= 1000),
    ordered_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT package_orders_number_key UNIQUE (number),
    CONSTRAINT package_orders_student_package_key UNIQUE (student_id, package_id),
    CONSTRAINT package_orders_student_fkey FOREIGN KEY (student_id, contract_id)
        REFERENCES roster_students (id, contract_id) ON DELETE RESTRICT,
    CONSTRAINT package_orders_package_fkey FOREIGN KEY (package_id, contract_id)
        REFERENCES picture_packages (id, contract_id) ON DELETE RESTRICT,
    CONSTRAINT package_orders_fee_only_when_late CHECK (late OR late_fee = 0),
    CONSTRAINT package_orders_staff_recorder CHECK ((channel = 'staff') = (recorded_by IS NOT NULL))
);
CREATE INDEX package_orders_contract_idx ON package_orders (contract_id, ordered_at DESC, id);
CREATE INDEX package_orders_package_idx ON package_orders (package_id);
