-- Documents, the reports extracted from them, and their events: the SQLite
-- schema of the same version in PostgreSQL's types.
--
-- Times are timestamptz (microseconds, as store.Timestamp keeps them); dates
-- are date, NULL when unknown; whole events and places are jsonb. IDs compare
-- byte by byte (COLLATE "C"), as Go and SQLite compare them, whatever the
-- database's collation, so every implementation lists in the same order.

CREATE TABLE documents (
    id          text COLLATE "C" PRIMARY KEY CHECK (id ~ '^[0-9a-f]{64}$'), -- SHA-256 of the original bytes
    size        bigint NOT NULL CHECK (size >= 0),
    media_type  text NOT NULL,
    source      text NOT NULL,
    url         text NOT NULL,
    title       text NOT NULL,
    published   timestamptz,
    retrieved   timestamptz NOT NULL,
    lang        text NOT NULL,
    text        text NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE INDEX documents_by_created ON documents (created_at DESC, id);

-- Full-text search over what intake reduced each report to. The 'simple'
-- configuration lower-cases words without stemming, so English and French
-- (and any other language) are indexed alike. Only the first 100,000
-- characters are indexed: a tsvector holds at most 1 MB, and an index
-- expression that fails would make the whole Ingest fail. A query uses the
-- index only with this exact expression:
--   to_tsvector('simple'::regconfig, left(text, 100000)) @@ websearch_to_tsquery('simple'::regconfig, $1)
CREATE INDEX documents_text_search ON documents
    USING gin (to_tsvector('simple'::regconfig, left(text, 100000)));

CREATE TABLE reports (
    id                text COLLATE "C" PRIMARY KEY,
    document_id       text COLLATE "C" NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    extractor         text NOT NULL CHECK (extractor <> ''),
    extractor_version text NOT NULL,
    created_at        timestamptz NOT NULL,
    places            jsonb NOT NULL CHECK (jsonb_typeof(places) IN ('array', 'null')),
    UNIQUE (document_id, extractor, extractor_version)
);

CREATE TABLE events (
    id                  text COLLATE "C" PRIMARY KEY,
    report_id           text COLLATE "C" NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    document_id         text COLLATE "C" NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    seq                 integer NOT NULL CHECK (seq >= 0), -- position in the report
    event_date          date,
    date_precision      smallint NOT NULL CHECK (date_precision BETWEEN 0 AND 3),
    disorder_type       text NOT NULL,
    event_type          text NOT NULL,
    sub_event_type      text NOT NULL,
    country_iso3        text CHECK (country_iso3 ~ '^[A-Z]{3}$'),
    location_name       text,
    location_lat        double precision CHECK (location_lat BETWEEN -90 AND 90),
    location_lon        double precision CHECK (location_lon BETWEEN -180 AND 180),
    -- (longitude, latitude) for bounding-box queries: location_point <@ box(point(w, s), point(e, n)).
    location_point      point GENERATED ALWAYS AS (point(location_lon, location_lat)) STORED,
    location_geonameid  bigint,
    location_admin1     text,
    location_admin2     text,
    geo_precision       smallint CHECK (geo_precision BETWEEN 0 AND 3),
    fatalities_best     bigint CHECK (fatalities_best >= 0),
    certainty           text NOT NULL,
    confidence          double precision NOT NULL CHECK (confidence BETWEEN 0 AND 1), -- NaN fails too
    created_at          timestamptz NOT NULL,
    event               jsonb NOT NULL CHECK (jsonb_typeof(event) = 'object'), -- the whole model.Event
    UNIQUE (report_id, seq)
);

-- Lists are ordered newest event first, undated last, then by ID; each
-- filter has an index that yields rows in that order.
CREATE INDEX events_by_date ON events (event_date DESC NULLS LAST, id);
CREATE INDEX events_by_sub_type ON events (sub_event_type, event_date DESC NULLS LAST, id);
CREATE INDEX events_by_country ON events (country_iso3, event_date DESC NULLS LAST, id);
CREATE INDEX events_by_document ON events (document_id, event_date DESC NULLS LAST, id);
CREATE INDEX events_by_place ON events USING gist (location_point);

CREATE TABLE event_actors (
    event_id  text COLLATE "C" NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    seq       integer NOT NULL CHECK (seq >= 0),
    role      text NOT NULL,
    name      text NOT NULL,
    type      text NOT NULL,
    country   text NOT NULL,
    actor_id  text NOT NULL, -- the actor dictionary's key, '' if none
    PRIMARY KEY (event_id, seq)
);

CREATE INDEX event_actors_by_name ON event_actors (name);

CREATE TABLE evidence (
    event_id    text COLLATE "C" NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    seq         integer NOT NULL CHECK (seq >= 0),
    field       text NOT NULL,
    span_start  bigint NOT NULL CHECK (span_start >= 0), -- byte offsets into documents.text
    span_end    bigint NOT NULL CHECK (span_end >= span_start),
    text        text NOT NULL,
    PRIMARY KEY (event_id, seq)
);
