package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/vault"
)

func init() {
	register(command{"testimony", "take a witness's testimony, its identity encrypted; show or find one", 60, runTestimony})
}

// maxTestimonyJSON bounds the JSON read from stdin.
const maxTestimonyJSON = 2 << 20

func runTestimony(ctx context.Context, e *Env, args []string) error {
	fset := newFlags(e, "testimony", "vigil testimony add [flags | -] | show ID [--reveal] | find --witness NAME | --contact PHONE",
		`Take and read witness testimonies. The witness's name and contact, the exact place and protected notes are
encrypted with the vault's keys (see 'vigil keys') before they are stored; a blind index finds the same
witness again. 'add -' reads one JSON object on stdin:
  {"statement": "...", "lang": "fr", "sensitive": true, "country": "MLI", "admin1": "Mopti", "admin2": "Bandiagara",
   "taken_on": "2025-03-20", "events": ["..."], "documents": ["..."], "notes": "...",
   "protected": {"witness_name": "...", "witness_contact": "...", "location": "...", "protected_notes": "..."}}
Prints {"id", "same_witness": [ids of testimonies with the same witness name or contact]}.
'show --reveal' decrypts the protected fields; every such read, and every 'find', is written to the access log.`)
	t := &vault.Testimony{}
	fset.StringVar(&t.Statement, "statement", "", "what the witness said")
	fset.StringVar(&t.Lang, "lang", "", "language of the statement (en, fr, ...)")
	fset.BoolVar(&t.Sensitive, "sensitive", false, "blur the testimony's place in public outputs")
	fset.StringVar(&t.Country, "country", "", "ISO 3166-1 alpha-3 country")
	fset.StringVar(&t.Admin1, "admin1", "", "admin1 region")
	fset.StringVar(&t.Admin2, "admin2", "", "admin2 region")
	fset.StringVar(&t.TakenOn, "taken-on", "", "date the testimony was taken, YYYY-MM-DD")
	fset.StringVar(&t.Notes, "notes", "", "unprotected notes")
	fset.StringVar(&t.Protected.WitnessName, "witness", "", "add: the witness's name (protected); find: the name to look for")
	fset.StringVar(&t.Protected.WitnessContact, "contact", "", "add: the witness's contact (protected); find: the contact to look for")
	fset.StringVar(&t.Protected.Location, "location", "", "the exact place (protected)")
	fset.StringVar(&t.Protected.Notes, "protected-notes", "", "notes to protect")
	events := fset.String("events", "", "comma-separated IDs of the events it reports")
	docs := fset.String("documents", "", "comma-separated IDs of related documents")
	reveal := fset.Bool("reveal", false, "show: decrypt the protected fields (logged)")
	cfg := storeFlags(fset, e)
	rest, err := parse(fset, args)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		return usagef("want a subcommand: add, show, find")
	}
	if *events != "" {
		t.EventIDs = strings.Split(*events, ",")
	}
	if *docs != "" {
		t.DocumentIDs = strings.Split(*docs, ",")
	}
	switch {
	case rest[0] == "add" && len(rest) == 2 && rest[1] == "-":
		b, err := io.ReadAll(io.LimitReader(e.Stdin, maxTestimonyJSON+1))
		if err != nil {
			return err
		}
		if len(b) > maxTestimonyJSON {
			return errs.E(errs.Invalid, "stdin: testimony JSON is over %d bytes", maxTestimonyJSON)
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		t = &vault.Testimony{}
		if err := dec.Decode(t); err != nil {
			return errs.E(errs.Invalid, "stdin: not a testimony JSON object: %v", err)
		}
		t.ID, t.HasProtected, t.CreatedBy = "", nil, ""
	case rest[0] == "add" && len(rest) == 1:
		if t.Statement == "" {
			return usagef("add needs --statement (or '-' and JSON on stdin)")
		}
	case (rest[0] == "show" && len(rest) == 2) || (rest[0] == "find" && len(rest) == 1):
	default:
		return usagef("unexpected arguments %q", rest)
	}
	a, st, err := openProtected(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	keys, created, err := vault.Load(cfg.DataDir, e.Getenv, rest[0] == "add")
	if err != nil {
		return err
	}
	for _, c := range created {
		if c == vault.EscrowIdentityFile {
			e.Log.Warn("vault keys were made on first use; an escrow identity was written into the data directory: move it offline now",
				"file", c)
		}
	}
	svc := &vault.Service{Store: st, Keys: keys}
	switch rest[0] {
	case "add":
		res, err := svc.Add(ctx, t, cliActor)
		if err != nil {
			return err
		}
		return writeJSON(e, res)
	case "show":
		var out *vault.Testimony
		if *reveal {
			out, err = svc.Reveal(ctx, cliActor, rest[1])
		} else {
			out, err = svc.Get(ctx, rest[1])
		}
		if err != nil {
			return err
		}
		return writeJSON(e, out)
	}
	field, value := vault.FieldWitnessName, t.Protected.WitnessName
	if value == "" {
		field, value = vault.FieldWitnessContact, t.Protected.WitnessContact
	}
	if value == "" {
		return usagef("find needs --witness NAME or --contact CONTACT")
	}
	ids, err := svc.FindWitness(ctx, cliActor, field, value)
	if err != nil {
		return err
	}
	return writeJSON(e, map[string]any{"testimonies": ids})
}
