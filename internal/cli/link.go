package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/vigil-hr/vigil/internal/app"
	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/incident"
	"github.com/vigil-hr/vigil/internal/store"
)

func init() {
	register(command{"link", "link stored events into incidents; merge, split, revert, show them", 35, runLink})
}

const linkAbout = `Link the events of stored documents into incidents: one incident per thing that happened, however many
reports tell of it. Each event joins the best-matching incident nearby in place and time (same or compatible type,
same actors) or opens a new one; decisions are explained in words and logged (and, in the embedded store, in the
tamper-evident ledger). Linking is incremental: only documents whose events are in no incident yet are read, and
only the incidents near their events are loaded.

  vigil link [--all] [DOCUMENT ...]          link the named documents, or every document not linked yet
  vigil link merge INTO FROM --reason R       merge incident FROM into INTO
  vigil link split INCIDENT EVENT... --reason R   move events out of INCIDENT into a new incident
  vigil link revert SEQ [--reason R]          undo the merge or split logged as SEQ
  vigil link show INCIDENT                    the incident: reports, independent sources, corroboration, claims
  vigil link log [INCIDENT]                   the log of changes (JSON lines), all or one incident's

Linking prints one JSON line per event: {"event","document","incident","opened","score","why","rejected"?}.
A document's outlet is its --source at ingest; its kind of source is guessed from that name.`

func runLink(ctx context.Context, e *Env, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "merge", "split", "revert":
			return runLinkChange(ctx, e, args[0], args[1:])
		case "show":
			return runLinkShow(ctx, e, args[1:])
		case "log":
			return runLinkLog(ctx, e, args[1:])
		}
	}
	fs := newFlags(e, "link", "vigil link [--all] [--batch N] [--data DIR] [DOCUMENT ...]", linkAbout)
	all := fs.Bool("all", false, "link every stored document not linked yet (the default when no document is named)")
	batch := fs.Int("batch", 200, "documents linked per transaction")
	cfg := storeFlags(fs, e)
	docs, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *all && len(docs) > 0 {
		return usagef("--all links every document; do not also name documents")
	}
	if *batch < 1 || *batch > store.MaxLimit {
		return usagef("--batch %d is not between 1 and %d", *batch, store.MaxLimit)
	}
	a, st, err := openIncidents(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	s, err := incident.NewStored(st, incident.Config{})
	if err != nil {
		return err
	}
	enc := json.NewEncoder(e.Stdout)
	enc.SetEscapeHTML(false)
	start := time.Now()
	last := start
	nDocs, nEvents, opened := 0, 0, 0
	link := func(ids []string) error {
		ds, err := s.LinkDocuments(ctx, ids)
		if err != nil {
			return err
		}
		nDocs += len(ids)
		for _, d := range ds {
			nEvents++
			if d.Opened {
				opened++
			}
			if err := enc.Encode(decisionLine(d)); err != nil {
				return err
			}
		}
		if time.Since(last) > 2*time.Second {
			last = time.Now()
			e.Log.Info("link progress", "documents", nDocs, "events", nEvents, "opened", opened,
				"events_per_second", fmt.Sprintf("%.0f", float64(nEvents)/time.Since(start).Seconds()))
		}
		return nil
	}
	if len(docs) > 0 {
		for i := 0; i < len(docs); i += *batch {
			if err := link(docs[i:min(len(docs), i+*batch)]); err != nil {
				return err
			}
		}
	} else {
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			ids, err := st.UnlinkedDocuments(ctx, *batch)
			if err != nil {
				return err
			}
			if len(ids) == 0 {
				break
			}
			if err := link(ids); err != nil {
				return err
			}
		}
	}
	n, err := st.CountIncidents(ctx)
	if err != nil {
		return err
	}
	e.Log.Info("linked", "documents", nDocs, "events", nEvents, "incidents_opened", opened, "incidents", n,
		"seconds", fmt.Sprintf("%.1f", time.Since(start).Seconds()))
	return nil
}

type linkLine struct {
	Event    string  `json:"event"`
	Document string  `json:"document"`
	Incident string  `json:"incident"`
	Opened   bool    `json:"opened"`
	Score    float64 `json:"score"`
	Why      string  `json:"why"`
	Rejected string  `json:"rejected,omitempty"`
}

func decisionLine(d incident.Decision) linkLine {
	return linkLine{Event: d.EventID, Document: d.DocumentID, Incident: d.IncidentID, Opened: d.Opened,
		Score: float64(int(d.Score*1000+0.5)) / 1000, Why: d.Why, Rejected: d.Rejected}
}

// openIncidents opens the app and asserts its store keeps incidents.
func openIncidents(ctx context.Context, cfg *app.Config) (*app.App, store.IncidentStore, error) {
	a, err := app.Open(ctx, *cfg)
	if err != nil {
		return nil, nil, err
	}
	st, ok := a.Store.(store.IncidentStore)
	if !ok {
		a.Close()
		return nil, nil, errs.E(errs.Unavailable, "this store does not keep incidents")
	}
	return a, st, nil
}

type auditLine struct {
	Seq       int64     `json:"seq"`
	Op        string    `json:"op"`
	Actor     string    `json:"actor"`
	At        time.Time `json:"at"`
	Incidents []string  `json:"incidents"`
	Events    []string  `json:"events"`
	Reason    string    `json:"reason"`
	Reverts   int64     `json:"reverts,omitempty"`
}

func toAuditLine(a store.IncidentAudit) auditLine {
	return auditLine{a.Seq, a.Op, a.Actor, a.At, a.Incidents, a.Events, a.Reason, a.Reverts}
}

func runLinkChange(ctx context.Context, e *Env, sub string, args []string) error {
	synopsis := map[string]string{
		"merge":  "vigil link merge INTO FROM --reason R [--data DIR]",
		"split":  "vigil link split INCIDENT EVENT... --reason R [--data DIR]",
		"revert": "vigil link revert SEQ [--reason R] [--data DIR]",
	}[sub]
	fs := newFlags(e, "link "+sub, synopsis, linkAbout+"\n\nPrints the logged change as one JSON line.")
	reason := fs.String("reason", "", "why, in words (kept in the log and the ledger)")
	actor := fs.String("actor", cliActor, "who asks for the change, as the log names them (user:ID)")
	cfg := storeFlags(fs, e)
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	switch {
	case sub == "merge" && len(rest) != 2:
		return usagef("merge takes two incidents, INTO and FROM")
	case sub == "split" && len(rest) < 2:
		return usagef("split takes an incident and the events to move out of it")
	case sub == "revert" && len(rest) != 1:
		return usagef("revert takes the sequence number of one logged change")
	case sub != "revert" && *reason == "":
		return usagef("%s needs --reason", sub)
	case *actor == "":
		return usagef("--actor is empty")
	}
	var seq int64
	if sub == "revert" {
		if seq, err = strconv.ParseInt(rest[0], 10, 64); err != nil || seq < 1 {
			return usagef("%q is not a change's sequence number", rest[0])
		}
	}
	a, st, err := openIncidents(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	s, err := incident.NewStored(st, incident.Config{})
	if err != nil {
		return err
	}
	var rec store.IncidentAudit
	switch sub {
	case "merge":
		rec, err = s.Merge(ctx, rest[0], rest[1], *actor, *reason)
	case "split":
		rec, err = s.Split(ctx, rest[0], rest[1:], *actor, *reason)
	case "revert":
		rec, err = s.Revert(ctx, seq, *actor, *reason)
	}
	if err != nil {
		return err
	}
	enc := json.NewEncoder(e.Stdout)
	enc.SetEscapeHTML(false)
	return enc.Encode(toAuditLine(rec))
}

func runLinkShow(ctx context.Context, e *Env, args []string) error {
	fs := newFlags(e, "link show", "vigil link show INCIDENT [--data DIR]", linkAbout+
		"\n\nPrints the incident as JSON: its event (built from its reports), events, documents, origins (independent\nsources), corroboration and every figure each source reported.")
	cfg := storeFlags(fs, e)
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("show takes one incident")
	}
	a, st, err := openIncidents(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	sum, err := incident.SummarizeStored(ctx, st, rest[0], incident.Config{})
	if err != nil {
		return err
	}
	enc := json.NewEncoder(e.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(sum)
}

func runLinkLog(ctx context.Context, e *Env, args []string) error {
	fs := newFlags(e, "link log", "vigil link log [--after SEQ] [INCIDENT] [--data DIR]", linkAbout)
	after := fs.Int64("after", 0, "print only changes after `SEQ`")
	cfg := storeFlags(fs, e)
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 1 {
		return usagef("log takes at most one incident")
	}
	if *after < 0 {
		return usagef("--after is negative")
	}
	id := ""
	if len(rest) == 1 {
		id = rest[0]
	}
	a, st, err := openIncidents(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	enc := json.NewEncoder(e.Stdout)
	enc.SetEscapeHTML(false)
	for next := *after; ; {
		lines, err := st.IncidentLog(ctx, id, next, store.MaxLimit)
		if err != nil {
			return err
		}
		for _, l := range lines {
			if err := enc.Encode(toAuditLine(l)); err != nil {
				return err
			}
			next = l.Seq
		}
		if len(lines) < store.MaxLimit {
			return nil
		}
	}
}
