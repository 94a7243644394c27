-- Incidents: the events of many reports linked into one record per thing
-- that happened (package incident decides, the store keeps it). Every
-- change is a line of incident_audit and, in the same transaction, a ledger
-- leaf for each incident it touches.

CREATE TABLE incidents (
    id           TEXT PRIMARY KEY,
    merged_into  TEXT NOT NULL DEFAULT '',  -- '' while it stands on its own
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;

CREATE INDEX incidents_by_update ON incidents (merged_into, updated_at DESC, id);

-- One row per event in an incident, filed for candidate lookup under
-- cell_key (package incident's index cell) with what rules candidates out.
CREATE TABLE incident_events (
    event_id     TEXT PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
    incident_id  TEXT NOT NULL REFERENCES incidents (id),
    seq          INTEGER NOT NULL CHECK (seq >= 0),
    document_id  TEXT NOT NULL,
    cell_key     INTEGER NOT NULL,
    day          INTEGER NOT NULL,
    lat          REAL NOT NULL,
    lon          REAL NOT NULL,
    date_prec    INTEGER NOT NULL CHECK (date_prec BETWEEN 0 AND 3),
    geo_prec     INTEGER NOT NULL CHECK (geo_prec BETWEEN 0 AND 3),
    UNIQUE (incident_id, seq)
) STRICT;

CREATE INDEX incident_events_by_key ON incident_events (cell_key);

-- What linking keeps of each document it linked, in linking order.
CREATE TABLE linked_documents (
    document_id  TEXT PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    seq          INTEGER NOT NULL UNIQUE,
    outlet       TEXT NOT NULL,
    kind         TEXT NOT NULL,
    published    TEXT NOT NULL,
    signature    BLOB NOT NULL,  -- neardup MinHash values, little-endian uint32
    linked_at    TEXT NOT NULL
) STRICT;

CREATE TABLE incident_audit (
    seq        INTEGER PRIMARY KEY CHECK (seq > 0),
    op         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    at         TEXT NOT NULL,
    incidents  TEXT NOT NULL,  -- JSON array of incident IDs
    events     TEXT NOT NULL,  -- JSON array of event IDs
    reason     TEXT NOT NULL,
    reverts    INTEGER NOT NULL DEFAULT 0
) STRICT;

-- Which audit lines name which incident, for one incident's history.
CREATE TABLE incident_audit_by_incident (
    incident_id  TEXT NOT NULL,
    seq          INTEGER NOT NULL REFERENCES incident_audit (seq),
    PRIMARY KEY (incident_id, seq)
) STRICT, WITHOUT ROWID;
