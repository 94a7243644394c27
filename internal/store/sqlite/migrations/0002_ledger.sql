-- The tamper-evident ledger (package ledger): leaves, the Merkle tree's
-- stored hashes in tlog's numbering, and signed checkpoints. Rows are only
-- ever inserted; the triggers refuse updates and deletions, so that no
-- ordinary statement can rewrite history (someone who drops the triggers
-- is caught by `vigil verify` instead).

CREATE TABLE ledger_leaves (
    idx        INTEGER PRIMARY KEY CHECK (idx >= 0),
    kind       TEXT NOT NULL,   -- copied from the leaf, for lookups
    record_id  TEXT NOT NULL,   -- copied from the leaf, for lookups
    leaf       BLOB NOT NULL,   -- the leaf's canonical encoding, hashed as is
    fields     BLOB NOT NULL    -- the field digests the leaf's sha256 commits to
) STRICT;

CREATE INDEX ledger_leaves_by_record ON ledger_leaves (kind, record_id, idx);

CREATE TABLE ledger_hashes (
    id    INTEGER PRIMARY KEY CHECK (id >= 0),
    hash  BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;

CREATE TABLE ledger_checkpoints (
    id          INTEGER PRIMARY KEY,
    size        INTEGER NOT NULL CHECK (size >= 0),
    signed      BLOB NOT NULL,   -- the signed note
    created_at  TEXT NOT NULL
) STRICT;

CREATE TRIGGER ledger_leaves_append_only_u BEFORE UPDATE ON ledger_leaves
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER ledger_leaves_append_only_d BEFORE DELETE ON ledger_leaves
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER ledger_hashes_append_only_u BEFORE UPDATE ON ledger_hashes
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER ledger_hashes_append_only_d BEFORE DELETE ON ledger_hashes
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER ledger_checkpoints_append_only_u BEFORE UPDATE ON ledger_checkpoints
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER ledger_checkpoints_append_only_d BEFORE DELETE ON ledger_checkpoints
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
