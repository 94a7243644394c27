-- Incidents: the SQLite schema of the same name (0004_incidents.sql) in
-- PostgreSQL's types. Changes are serialised by an advisory lock taken in
-- each SaveIncidents transaction.

CREATE TABLE incidents (
    id           text COLLATE "C" PRIMARY KEY,
    merged_into  text COLLATE "C" NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);

CREATE INDEX incidents_by_update ON incidents (merged_into, updated_at DESC, id);

CREATE TABLE incident_events (
    event_id     text COLLATE "C" PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
    incident_id  text COLLATE "C" NOT NULL REFERENCES incidents (id),
    seq          integer NOT NULL CHECK (seq >= 0),
    document_id  text COLLATE "C" NOT NULL,
    cell_key     bigint NOT NULL,
    day          integer NOT NULL,
    lat          double precision NOT NULL,
    lon          double precision NOT NULL,
    date_prec    smallint NOT NULL CHECK (date_prec BETWEEN 0 AND 3),
    geo_prec     smallint NOT NULL CHECK (geo_prec BETWEEN 0 AND 3),
    UNIQUE (incident_id, seq)
);

CREATE INDEX incident_events_by_key ON incident_events (cell_key);

CREATE TABLE linked_documents (
    document_id  text COLLATE "C" PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    seq          bigint NOT NULL UNIQUE,
    outlet       text NOT NULL,
    kind         text NOT NULL,
    published    text NOT NULL,
    signature    bytea NOT NULL,
    linked_at    timestamptz NOT NULL
);

CREATE TABLE incident_audit (
    seq        bigint PRIMARY KEY CHECK (seq > 0),
    op         text NOT NULL,
    actor      text NOT NULL,
    at         timestamptz NOT NULL,
    incidents  text NOT NULL,  -- JSON array of incident IDs, kept as text
    events     text NOT NULL,  -- JSON array of event IDs
    reason     text NOT NULL,
    reverts    bigint NOT NULL DEFAULT 0
);

CREATE TABLE incident_audit_by_incident (
    incident_id  text COLLATE "C" NOT NULL,
    seq          bigint NOT NULL REFERENCES incident_audit (seq),
    PRIMARY KEY (incident_id, seq)
);
