-- Imported event datasets, kept apart from Vigil's own records.
-- Dates are whole days since 1970-01-01 (UTC), so windows are integer ranges.
-- Records have no foreign key to datasets: a bulk import goes faster without
-- one, and a dataset's records are found by their rowid range
-- (first_record..last_record) and dataset_id.

CREATE TABLE datasets (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL CHECK (name <> ''),
    format        TEXT NOT NULL,
    file          TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('importing', 'complete')),
    rows          INTEGER NOT NULL DEFAULT 0,
    bad_rows      INTEGER NOT NULL DEFAULT 0,
    first_record  INTEGER,
    last_record   INTEGER,
    started_at    TEXT NOT NULL,
    finished_at   TEXT
) STRICT;

-- One complete dataset per name; a replacement is imported beside it.
CREATE UNIQUE INDEX datasets_by_name ON datasets (name) WHERE state = 'complete';

-- The columns lookups and filters use stand alone; the others are packed
-- into "fields" (see pack.go): a bulk import binds 12 values a row, not 40.
CREATE TABLE records (
    id              INTEGER PRIMARY KEY,
    dataset_id      INTEGER NOT NULL,
    line            INTEGER NOT NULL,
    source_id       TEXT NOT NULL,
    day_start       INTEGER NOT NULL,
    day_end         INTEGER NOT NULL CHECK (day_end >= day_start),
    sub_event_type  TEXT NOT NULL,
    violence        INTEGER NOT NULL,
    iso3            TEXT NOT NULL,
    lat             REAL CHECK (lat BETWEEN -90 AND 90),
    lon             REAL CHECK (lon BETWEEN -180 AND 180),
    fatalities      INTEGER NOT NULL,
    fields          TEXT NOT NULL
) STRICT;

-- "Nearest imported events by place, date and type": a date window, then a
-- latitude/longitude box, read from the index alone. Records without a
-- sub-event type (UCDP's) are found under '' and filtered by violence.
CREATE INDEX records_by_day ON records (day_start, lat, lon, day_end, dataset_id);
CREATE INDEX records_by_type_day ON records (sub_event_type, day_start, lat, lon, violence, day_end, dataset_id);

-- Lookup indexes dropped for a bulk import and not yet rebuilt (a crash
-- mid-import); Open rebuilds them.
CREATE TABLE dropped_indexes (
    name TEXT PRIMARY KEY,
    sql  TEXT NOT NULL
) STRICT;
