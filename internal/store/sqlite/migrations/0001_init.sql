-- Documents, the reports extracted from them, and their events.
-- Times are UTC RFC 3339 text with microseconds (fixed width, so they sort).
-- Empty strings, not NULLs, stand for unknown text values that are filtered
-- or sorted on; NULL stands for an absent number or location.

CREATE TABLE documents (
    id          TEXT PRIMARY KEY CHECK (length(id) = 64), -- SHA-256 of the original bytes
    size        INTEGER NOT NULL CHECK (size >= 0),
    media_type  TEXT NOT NULL,
    source      TEXT NOT NULL,
    url         TEXT NOT NULL,
    title       TEXT NOT NULL,
    published   TEXT,
    retrieved   TEXT NOT NULL,
    lang        TEXT NOT NULL,
    text        TEXT NOT NULL,
    created_at  TEXT NOT NULL
) STRICT;

CREATE INDEX documents_by_created ON documents (created_at DESC, id);

CREATE TABLE reports (
    id                TEXT PRIMARY KEY,
    document_id       TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    extractor         TEXT NOT NULL CHECK (extractor <> ''),
    extractor_version TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    places_json       TEXT NOT NULL CHECK (json_valid(places_json)),
    UNIQUE (document_id, extractor, extractor_version)
) STRICT;

CREATE TABLE events (
    id                  TEXT PRIMARY KEY,
    report_id           TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    document_id         TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    seq                 INTEGER NOT NULL, -- position in the report
    event_date          TEXT NOT NULL CHECK (event_date = '' OR
                            (length(event_date) = 10 AND event_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]')),
    date_precision      INTEGER NOT NULL CHECK (date_precision BETWEEN 0 AND 3),
    disorder_type       TEXT NOT NULL,
    event_type          TEXT NOT NULL,
    sub_event_type      TEXT NOT NULL,
    country_iso3        TEXT NOT NULL CHECK (country_iso3 = '' OR length(country_iso3) = 3),
    location_name       TEXT,
    location_lat        REAL CHECK (location_lat BETWEEN -90 AND 90),
    location_lon        REAL CHECK (location_lon BETWEEN -180 AND 180),
    location_geonameid  INTEGER,
    location_admin1     TEXT,
    location_admin2     TEXT,
    geo_precision       INTEGER CHECK (geo_precision BETWEEN 0 AND 3),
    fatalities_best     INTEGER CHECK (fatalities_best >= 0),
    certainty           TEXT NOT NULL,
    confidence          REAL NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    created_at          TEXT NOT NULL,
    event_json          TEXT NOT NULL CHECK (json_valid(event_json)), -- the whole model.Event
    UNIQUE (report_id, seq)
) STRICT;

CREATE INDEX events_by_date ON events (event_date DESC, id);
CREATE INDEX events_by_sub_type ON events (sub_event_type, event_date DESC, id);
CREATE INDEX events_by_country ON events (country_iso3, event_date DESC, id);
CREATE INDEX events_by_document ON events (document_id, event_date DESC, id);

CREATE TABLE event_actors (
    event_id  TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    seq       INTEGER NOT NULL,
    role      TEXT NOT NULL,
    name      TEXT NOT NULL,
    type      TEXT NOT NULL,
    country   TEXT NOT NULL,
    actor_id  TEXT NOT NULL, -- the actor dictionary's key, '' if none
    PRIMARY KEY (event_id, seq)
) STRICT;

CREATE INDEX event_actors_by_name ON event_actors (name);

CREATE TABLE evidence (
    event_id    TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    field       TEXT NOT NULL,
    span_start  INTEGER NOT NULL CHECK (span_start >= 0), -- byte offsets into documents.text
    span_end    INTEGER NOT NULL CHECK (span_end >= span_start),
    text        TEXT NOT NULL,
    PRIMARY KEY (event_id, seq)
) STRICT;
