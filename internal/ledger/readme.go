package ledger

import (
	"fmt"
	"strings"
)

// readme returns the README of a bundle: what it holds and how to check it
// without Vigil.
func readme(m Manifest, cp Checkpoint) string {
	var b strings.Builder
	fmt.Fprintf(&b, `Vigil evidence bundle (%s)
Subject: %s
Checkpoint: log %s, %d leaves

This archive lets anyone check, with nothing else, that the records below
are the ones Vigil logged, unchanged, and that the log they are in was
signed by the key in %s.

WHAT IS HERE

  %-16s this file
  %-16s the list of everything below, and the inclusion proofs
  %-16s a signed checkpoint of the log (C2SP tlog-checkpoint, signed note)
  %-16s the public key that signed it (Ed25519, signed-note verifier key)
  records/         each record's content (JSON)
  leaves/          each log entry ("leaf") about those records, byte for byte
  documents/       the source document's original bytes, named by their SHA-256

QUICK CHECK

  vigil verify-bundle THIS_FILE.zip --key 'KEY'

where KEY is the publisher's verifier key as they publish it elsewhere (a
web page, a report). Without --key the bundle is only checked against the
key it carries itself, which proves integrity but not who signed.

CHECKING BY HAND

1. The key. %s holds NAME+HASH+DATA. DATA, base64-decoded, is the byte 0x01
   followed by a 32-byte Ed25519 public key. HASH is the first four bytes,
   in hex, of SHA-256(NAME, a newline, 0x01, the public key). Compare the
   whole line with the key the publisher publishes.

2. The checkpoint. %s is a signed note: a body, an empty line, then one
   line per signature: an em dash, a space, the key NAME, a space, and
   base64 of (the four HASH bytes, then a 64-byte Ed25519 signature). The
   signature is over the body's exact bytes, final newline included. The
   body's lines are: the log's origin (the key's NAME), the number of
   leaves N, and the root hash of the tree of those leaves, in base64.

3. The leaves. Each file in leaves/ is one JSON object, hashed as is:
   leaf hash = SHA-256(0x00, the file's bytes). The tree is the Merkle tree
   of RFC 6962 (Certificate Transparency): an interior node's hash is
   SHA-256(0x01, left hash, right hash). manifest.json gives, for each
   leaf, its index i and its inclusion proof: the sibling hashes from the
   leaf up to the root, in base64. To check it (RFC 9162, 2.1.3.2):
       fn = i, sn = N - 1, r = leaf hash
       for each proof hash p:
           if sn == 0: fail
           if fn is odd or fn == sn:
               r = SHA-256(0x01, p, r)
               if fn is even: shift fn and sn right until fn is odd or 0
           else:
               r = SHA-256(0x01, r, p)
           shift fn and sn right by one
       succeed if sn == 0 and r is the checkpoint's root hash.

4. The records. A record file is a JSON object. Its fields are its members,
   except that a member whose value is a non-empty object gives one field
   per inner member, named OUTER.INNER. A field's digest is the SHA-256, in
   lower-case hex, of its value's bytes exactly as they appear in the file.
   Write the fields as one JSON object mapping each name to its digest,
   names sorted, no spaces ({"a":"...","b":"..."}); the SHA-256 of that
   text, in hex, must equal the "sha256" of the record's newest leaf
   (leaves of the same record are listed oldest first; each logs a change,
   "op", by an "actor", at a "time").

5. The document. The SHA-256 of the file in documents/ must be its name,
   and the document record's "id". The event record's "document_id" and
   "report_id" name the document and report records in this bundle, and
   the report's "event_ids" lists the event.
`, BundleFormat, m.Subject, cp.Origin, cp.Size, bundleKey,
		bundleReadme, bundleManifest, bundleCheckpoint, bundleKey, bundleKey, bundleCheckpoint)
	return b.String()
}
