-- Users, web sessions and API tokens; witness testimonies with their
-- protected fields (age ciphertexts and blind indexes, never plaintext);
-- and the access log of who read protected fields. Sessions and tokens
-- are kept only as SHA-256 digests, so a copy of this file opens nothing.

CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    role           TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    disabled       INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
) STRICT;

CREATE TABLE sessions (
    id_hash     TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
) STRICT;

CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE api_tokens (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    hash        TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    expires_at  TEXT,
    revoked     INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
) STRICT;

CREATE INDEX api_tokens_by_user ON api_tokens (user_id, created_at);

CREATE TABLE testimonies (
    id          TEXT PRIMARY KEY,
    statement   TEXT NOT NULL,
    lang        TEXT NOT NULL,
    sensitive   INTEGER NOT NULL CHECK (sensitive IN (0, 1)),
    country     TEXT NOT NULL,
    admin1      TEXT NOT NULL,
    admin2      TEXT NOT NULL,
    taken_on    TEXT NOT NULL,
    notes       TEXT NOT NULL,
    documents   TEXT NOT NULL,  -- JSON array of document IDs
    events      TEXT NOT NULL,  -- JSON array of event IDs
    key_id      TEXT NOT NULL,  -- the recipients the protected fields are encrypted to
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE INDEX testimonies_by_created ON testimonies (created_at DESC, id);
CREATE INDEX testimonies_by_key ON testimonies (key_id, id);

CREATE TABLE testimony_links (
    testimony_id  TEXT NOT NULL REFERENCES testimonies (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('document', 'event')),
    target_id     TEXT NOT NULL,
    PRIMARY KEY (kind, target_id, testimony_id)
) STRICT;

CREATE TABLE testimony_fields (
    testimony_id  TEXT NOT NULL REFERENCES testimonies (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    ciphertext    BLOB NOT NULL,  -- age, to the server key and the escrow keys
    blind_index   TEXT,           -- hex HMAC-SHA-256 of the normalised value; NULL when not indexed
    PRIMARY KEY (testimony_id, name)
) STRICT;

CREATE INDEX testimony_fields_by_index ON testimony_fields (name, blind_index) WHERE blind_index IS NOT NULL;

CREATE TABLE access_log (
    seq        INTEGER PRIMARY KEY CHECK (seq > 0),
    time       TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    kind       TEXT NOT NULL,
    record_id  TEXT NOT NULL,
    detail     TEXT NOT NULL,
    hash       TEXT NOT NULL   -- store.AccessHash over the previous row's hash and this row
) STRICT;

CREATE TRIGGER access_log_append_only_u BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
CREATE TRIGGER access_log_append_only_d BEFORE DELETE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
