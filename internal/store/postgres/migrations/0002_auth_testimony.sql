-- Users, web sessions and API tokens; witness testimonies with their
-- protected fields (age ciphertexts and blind indexes, never plaintext);
-- and the access log of who read protected fields: the SQLite schema of
-- the same name in PostgreSQL's types.

CREATE TABLE users (
    id             text COLLATE "C" PRIMARY KEY,
    name           text COLLATE "C" NOT NULL UNIQUE,
    role           text NOT NULL,
    password_hash  text NOT NULL,
    disabled       boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);

CREATE TABLE sessions (
    id_hash     text COLLATE "C" PRIMARY KEY,
    user_id     text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL
);

CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE api_tokens (
    id          text COLLATE "C" PRIMARY KEY,
    user_id     text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        text NOT NULL,
    hash        text COLLATE "C" NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz,
    revoked     boolean NOT NULL DEFAULT false
);

CREATE INDEX api_tokens_by_user ON api_tokens (user_id, created_at);

CREATE TABLE testimonies (
    id          text COLLATE "C" PRIMARY KEY,
    statement   text NOT NULL,
    lang        text NOT NULL,
    sensitive   boolean NOT NULL,
    country     text NOT NULL,
    admin1      text NOT NULL,
    admin2      text NOT NULL,
    taken_on    text NOT NULL,
    notes       text NOT NULL,
    documents   text NOT NULL,  -- JSON array of document IDs, kept as text (byte for byte)
    events      text NOT NULL,  -- JSON array of event IDs
    key_id      text COLLATE "C" NOT NULL,
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

CREATE INDEX testimonies_by_created ON testimonies (created_at DESC, id);
CREATE INDEX testimonies_by_key ON testimonies (key_id, id);

CREATE TABLE testimony_links (
    testimony_id  text COLLATE "C" NOT NULL REFERENCES testimonies (id) ON DELETE CASCADE,
    kind          text NOT NULL CHECK (kind IN ('document', 'event')),
    target_id     text COLLATE "C" NOT NULL,
    PRIMARY KEY (kind, target_id, testimony_id)
);

CREATE TABLE testimony_fields (
    testimony_id  text COLLATE "C" NOT NULL REFERENCES testimonies (id) ON DELETE CASCADE,
    name          text COLLATE "C" NOT NULL,
    ciphertext    bytea NOT NULL,
    blind_index   text COLLATE "C",
    PRIMARY KEY (testimony_id, name)
);

CREATE INDEX testimony_fields_by_index ON testimony_fields (name, blind_index) WHERE blind_index IS NOT NULL;

CREATE TABLE access_log (
    seq        bigint PRIMARY KEY CHECK (seq > 0),
    time       timestamptz NOT NULL,
    actor      text NOT NULL,
    action     text NOT NULL,
    kind       text NOT NULL,
    record_id  text NOT NULL,
    detail     text NOT NULL,
    hash       text NOT NULL
);

CREATE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN RAISE EXCEPTION 'the access log is append-only'; END $$;
CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
FOR EACH ROW EXECUTE FUNCTION access_log_append_only();
