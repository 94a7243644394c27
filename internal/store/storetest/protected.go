package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/store"
)

// RunProtected runs the suite of store.Users, store.Testimonies and
// store.AccessLog. open must return a new, empty store each time;
// RunProtected closes them.
func RunProtected(t *testing.T, open func(t *testing.T) store.ProtectedStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.ProtectedStore)
	}{
		{"Users", testUsers},
		{"Sessions", testSessions},
		{"Tokens", testTokens},
		{"TestimonyRoundTrip", testTestimonyRoundTrip},
		{"TestimonyFilters", testTestimonyFilters},
		{"TestimonyInvalid", testTestimonyInvalid},
		{"Rewrap", testRewrap},
		{"AccessLogChains", testAccessLog},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tt.fn(t, s)
		})
	}
}

func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func wantKind(t *testing.T, what string, err error, k errs.Kind) {
	t.Helper()
	if !errs.Is(err, k) {
		t.Errorf("%s: err = %v, want kind %v", what, err, k)
	}
}

func testUsers(t *testing.T, s store.ProtectedStore) {
	ctx := t.Context()
	a := &store.User{Name: "awa", Role: "analyst", PasswordHash: "$argon2id$x"}
	if err := s.CreateUser(ctx, a); err != nil {
		t.Fatal(err)
	}
	if a.ID == "" || a.CreatedAt.IsZero() {
		t.Fatalf("CreateUser did not fill ID and times: %+v", a)
	}
	wantKind(t, "same name", s.CreateUser(ctx, &store.User{Name: "awa", Role: "viewer", PasswordHash: "h"}), errs.Conflict)
	wantKind(t, "empty name", s.CreateUser(ctx, &store.User{Name: "", Role: "viewer", PasswordHash: "h"}), errs.Invalid)
	wantKind(t, "no hash", s.CreateUser(ctx, &store.User{Name: "x", Role: "viewer"}), errs.Invalid)
	if err := s.CreateUser(ctx, &store.User{Name: "bakary", Role: "viewer", PasswordHash: "h2"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetUserByName(ctx, "awa")
	if err != nil || *got != *a {
		t.Fatalf("GetUserByName = %+v, %v; want %+v", got, err, a)
	}
	if got, err := s.GetUser(ctx, a.ID); err != nil || got.Name != "awa" {
		t.Fatalf("GetUser = %+v, %v", got, err)
	}
	_, err = s.GetUser(ctx, "nobody")
	wantKind(t, "GetUser(nobody)", err, errs.NotFound)
	_, err = s.GetUserByName(ctx, "nobody")
	wantKind(t, "GetUserByName(nobody)", err, errs.NotFound)
	list, err := s.ListUsers(ctx)
	if err != nil || len(list) != 2 || list[0].Name != "awa" || list[1].Name != "bakary" {
		t.Fatalf("ListUsers = %+v, %v", list, err)
	}
	if err := s.SetUserDisabled(ctx, a.ID, true); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetUser(ctx, a.ID); !got.Disabled {
		t.Error("user not disabled")
	}
	wantKind(t, "disable nobody", s.SetUserDisabled(ctx, "nobody", true), errs.NotFound)
	if err := s.SetPassword(ctx, a.ID, "new"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetUser(ctx, a.ID); got.PasswordHash != "new" {
		t.Error("password not changed")
	}
	wantKind(t, "password of nobody", s.SetPassword(ctx, "nobody", "x"), errs.NotFound)
}

func testSessions(t *testing.T, s store.ProtectedStore) {
	ctx := t.Context()
	u := &store.User{Name: "awa", Role: "analyst", PasswordHash: "h"}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	live := &store.Session{IDHash: hash("live"), UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	old := &store.Session{IDHash: hash("old"), UserID: u.ID, CreatedAt: now.Add(-2 * time.Hour), ExpiresAt: now.Add(-time.Hour)}
	for _, se := range []*store.Session{live, old} {
		if err := s.CreateSession(ctx, se); err != nil {
			t.Fatal(err)
		}
	}
	wantKind(t, "bad hash", s.CreateSession(ctx, &store.Session{IDHash: "plain", UserID: u.ID, ExpiresAt: now.Add(time.Hour)}), errs.Invalid)
	wantKind(t, "unknown user", s.CreateSession(ctx, &store.Session{IDHash: hash("x"), UserID: "nobody", ExpiresAt: now.Add(time.Hour)}), errs.Invalid)
	got, err := s.GetSession(ctx, live.IDHash)
	if err != nil || *got != *live {
		t.Fatalf("GetSession = %+v, %v; want %+v", got, err, live)
	}
	n, err := s.DeleteExpiredSessions(ctx, now)
	if err != nil || n != 1 {
		t.Fatalf("DeleteExpiredSessions = %d, %v; want 1", n, err)
	}
	_, err = s.GetSession(ctx, old.IDHash)
	wantKind(t, "expired session", err, errs.NotFound)
	if err := s.DeleteSession(ctx, live.IDHash); err != nil {
		t.Fatal(err)
	}
	_, err = s.GetSession(ctx, live.IDHash)
	wantKind(t, "deleted session", err, errs.NotFound)

	// Disabling a user or changing its password ends its sessions.
	for i, change := range []func() error{
		func() error { return s.SetUserDisabled(ctx, u.ID, true) },
		func() error { return s.SetPassword(ctx, u.ID, "other") },
	} {
		se := &store.Session{IDHash: hash(fmt.Sprint("s", i)), UserID: u.ID, ExpiresAt: now.Add(time.Hour)}
		if err := s.CreateSession(ctx, se); err != nil {
			t.Fatal(err)
		}
		if err := change(); err != nil {
			t.Fatal(err)
		}
		_, err := s.GetSession(ctx, se.IDHash)
		wantKind(t, fmt.Sprint("session after change ", i), err, errs.NotFound)
	}
}

func testTokens(t *testing.T, s store.ProtectedStore) {
	ctx := t.Context()
	u := &store.User{Name: "script", Role: "analyst", PasswordHash: "h"}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	exp := time.Now().Add(24 * time.Hour)
	a := &store.APIToken{UserID: u.ID, Name: "nightly export", Hash: hash("a"), ExpiresAt: &exp}
	b := &store.APIToken{UserID: u.ID, Name: "", Hash: hash("b"), CreatedAt: time.Now().Add(time.Second)}
	for _, tk := range []*store.APIToken{a, b} {
		if err := s.CreateToken(ctx, tk); err != nil {
			t.Fatal(err)
		}
	}
	wantKind(t, "same hash", s.CreateToken(ctx, &store.APIToken{UserID: u.ID, Hash: hash("a")}), errs.Conflict)
	wantKind(t, "plain token", s.CreateToken(ctx, &store.APIToken{UserID: u.ID, Hash: "vigil_abc"}), errs.Invalid)
	got, err := s.GetTokenByHash(ctx, hash("a"))
	if err != nil || got.ID != a.ID || got.Name != a.Name || got.ExpiresAt == nil || !got.ExpiresAt.Equal(*a.ExpiresAt) || got.Revoked {
		t.Fatalf("GetTokenByHash = %+v, %v; want %+v", got, err, a)
	}
	_, err = s.GetTokenByHash(ctx, hash("c"))
	wantKind(t, "unknown token", err, errs.NotFound)
	list, err := s.ListTokens(ctx, u.ID)
	if err != nil || len(list) != 2 || list[0].ID != a.ID || list[1].ID != b.ID || list[1].ExpiresAt != nil {
		t.Fatalf("ListTokens = %+v, %v", list, err)
	}
	if err := s.RevokeToken(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetTokenByHash(ctx, hash("a")); !got.Revoked {
		t.Error("token not revoked")
	}
	wantKind(t, "revoke unknown", s.RevokeToken(ctx, "nope"), errs.NotFound)
}

// SampleTestimony returns a testimony with sealed fields made of fake
// ciphertexts (stores do not interpret them).
func SampleTestimony(n int) *store.Testimony {
	return &store.Testimony{
		Statement: fmt.Sprintf("Statement %d: men on motorbikes came to the market at dawn.", n),
		Lang:      "en", Sensitive: n%2 == 0, Country: "MLI", Admin1: "Mopti", Admin2: "Bandiagara", TakenOn: "2025-03-20",
		Notes: "interview by phone", DocumentIDs: []string{hash(fmt.Sprint("doc", n))}, EventIDs: []string{fmt.Sprint("ev", n), "ev-shared"},
		Protected: []store.SealedField{
			{Name: "witness_name", Ciphertext: []byte(fmt.Sprint("age-ct-name-", n)), Index: hash(fmt.Sprint("name", n%3))},
			{Name: "location", Ciphertext: []byte(fmt.Sprint("age-ct-loc-", n))},
		},
		KeyID: "k1", CreatedBy: "user:u1",
	}
}

func testTestimonyRoundTrip(t *testing.T, s store.ProtectedStore) {
	ctx := t.Context()
	in := SampleTestimony(1)
	if err := s.AddTestimony(ctx, in, "user:u1"); err != nil {
		t.Fatal(err)
	}
	if in.ID == "" || in.CreatedAt.IsZero() || in.Protected[0].Name != "location" {
		t.Fatalf("AddTestimony did not prepare the testimony: %+v", in)
	}
	got, err := s.GetTestimony(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !testimonyEqual(got, in) {
		t.Errorf("GetTestimony =\n%+v\nwant\n%+v", got, in)
	}
	_, err = s.GetTestimony(ctx, "nope")
	wantKind(t, "unknown testimony", err, errs.NotFound)
	dup := SampleTestimony(2)
	dup.ID = in.ID
	wantKind(t, "taken ID", s.AddTestimony(ctx, dup, "user:u1"), errs.Conflict)

	// A testimony with no links or protected fields round-trips too.
	bare := &store.Testimony{Statement: "only words"}
	if err := s.AddTestimony(ctx, bare, "system:cli"); err != nil {
		t.Fatal(err)
	}
	got, err = s.GetTestimony(ctx, bare.ID)
	if err != nil || !testimonyEqual(got, bare) {
		t.Errorf("bare testimony = %+v, %v; want %+v", got, err, bare)
	}
}

func testimonyEqual(a, b *store.Testimony) bool {
	norm := func(t store.Testimony) store.Testimony {
		if t.DocumentIDs == nil {
			t.DocumentIDs = []string{}
		}
		if t.EventIDs == nil {
			t.EventIDs = []string{}
		}
		return t
	}
	x, y := norm(*a), norm(*b)
	return fmt.Sprintf("%+v", x) == fmt.Sprintf("%+v", y)
}

func testTestimonyFilters(t *testing.T, s store.ProtectedStore) {
	ctx := t.Context()
	var all []*store.Testimony
	base := time.Now().Add(-time.Hour)
	for i := range 7 {
		tm := SampleTestimony(i)
		tm.CreatedAt = base.Add(time.Duration(i) * time.Minute)
		if err := s.AddTestimony(ctx, tm, "user:u1"); err != nil {
			t.Fatal(err)
		}
		all = append(all, tm)
	}
	ids := func(ts []store.Testimony) []string {
		out := []string{}
		for _, x := range ts {
			out = append(out, x.ID)
		}
		return out
	}
	ref := func(keep func(i int) bool) []string {
		out := []string{}
		for i := len(all) - 1; i >= 0; i-- {
			if keep(i) {
				out = append(out, all[i].ID)
			}
		}
		return out
	}
	for _, c := range []struct {
		name string
		f    store.TestimonyFilter
		want []string
	}{
		{"all", store.TestimonyFilter{}, ref(func(int) bool { return true })},
		{"blind index", store.TestimonyFilter{Field: "witness_name", Index: hash("name1")}, ref(func(i int) bool { return i%3 == 1 })},
		{"index of another field", store.TestimonyFilter{Field: "location", Index: hash("name1")}, []string{}},
		{"event", store.TestimonyFilter{EventID: "ev4"}, ref(func(i int) bool { return i == 4 })},
		{"shared event", store.TestimonyFilter{EventID: "ev-shared"}, ref(func(int) bool { return true })},
		{"document", store.TestimonyFilter{DocumentID: hash("doc2")}, ref(func(i int) bool { return i == 2 })},
		{"page", store.TestimonyFilter{Page: store.Page{Limit: 2, Offset: 1}}, ref(func(i int) bool { return i == 5 || i == 4 })},
	} {
		got, err := s.ListTestimonies(ctx, c.f)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if g := ids(got); !slices.Equal(g, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, g, c.want)
		}
	}
	for _, f := range []store.TestimonyFilter{{Field: "witness_name"}, {Field: "witness_name", Index: "Amadou"}, {Page: store.Page{Limit: -1}}} {
		_, err := s.ListTestimonies(ctx, f)
		wantKind(t, fmt.Sprintf("filter %+v", f), err, errs.Invalid)
	}
}

func testTestimonyInvalid(t *testing.T, s store.ProtectedStore) {
	ctx := t.Context()
	for _, c := range []struct {
		name string
		mod  func(*store.Testimony)
	}{
		{"empty", func(x *store.Testimony) { x.Statement, x.Protected = " ", nil }},
		{"country", func(x *store.Testimony) { x.Country = "Mali" }},
		{"date", func(x *store.Testimony) { x.TakenOn = "20/03/2025" }},
		{"field name", func(x *store.Testimony) { x.Protected[0].Name = "Name" }},
		{"same field twice", func(x *store.Testimony) { x.Protected[1].Name = x.Protected[0].Name }},
		{"empty ciphertext", func(x *store.Testimony) { x.Protected[0].Ciphertext = nil }},
		{"index", func(x *store.Testimony) { x.Protected[0].Index = "amadou" }},
		{"no key ID", func(x *store.Testimony) { x.KeyID = "" }},
	} {
		tm := SampleTestimony(1)
		c.mod(tm)
		wantKind(t, c.name, s.AddTestimony(ctx, tm, "user:u1"), errs.Invalid)
	}
	if got, err := s.ListTestimonies(ctx, store.TestimonyFilter{}); err != nil || len(got) != 0 {
		t.Errorf("failed adds stored %d testimonies (%v)", len(got), err)
	}
}

func testRewrap(t *testing.T, s store.ProtectedStore) {
	ctx := t.Context()
	var ids []string
	for i := range 5 {
		tm := SampleTestimony(i)
		if err := s.AddTestimony(ctx, tm, "user:u1"); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, tm.ID)
	}
	bare := &store.Testimony{Statement: "nothing protected", KeyID: "k1"}
	if err := s.AddTestimony(ctx, bare, "user:u1"); err != nil {
		t.Fatal(err)
	}
	slices.Sort(ids)
	done := 0
	for {
		batch, err := s.TestimoniesToRewrap(ctx, "k2", 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(batch) == 0 {
			break
		}
		prev := make([]string, len(batch))
		for i := range batch {
			if batch[i].ID != ids[done+i] {
				t.Fatalf("batch out of ID order: %s at %d", batch[i].ID, done+i)
			}
			prev[i] = batch[i].KeyID
			batch[i].KeyID = "k2"
			for j := range batch[i].Protected {
				batch[i].Protected[j].Ciphertext = append([]byte("new-"), batch[i].Protected[j].Ciphertext...)
			}
		}
		if err := s.RewrapTestimonies(ctx, batch, prev, "system:key-rotation"); err != nil {
			t.Fatal(err)
		}
		// A second re-wrap from the old key ID is refused.
		wantKind(t, "stale re-wrap", s.RewrapTestimonies(ctx, batch[:1], prev[:1], "system:key-rotation"), errs.Conflict)
		done += len(batch)
	}
	if done != len(ids) {
		t.Fatalf("re-wrapped %d, want %d (testimonies without protected fields need none)", done, len(ids))
	}
	for _, id := range ids {
		got, err := s.GetTestimony(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got.KeyID != "k2" || string(got.Protected[0].Ciphertext[:4]) != "new-" || got.Field("witness_name").Index == "" {
			t.Errorf("testimony %s after re-wrap: %+v", id, got)
		}
	}
}

func testAccessLog(t *testing.T, s store.ProtectedStore) {
	ctx := t.Context()
	for i := range 5 {
		e := &store.AccessEntry{Actor: "user:u1", Action: "read_protected", Kind: "testimony", ID: fmt.Sprint("t", i), Detail: "witness_name"}
		if err := s.AppendAccess(ctx, e); err != nil {
			t.Fatal(err)
		}
		if e.Seq != int64(i+1) || e.Hash == "" {
			t.Fatalf("entry %d: seq %d hash %q", i, e.Seq, e.Hash)
		}
	}
	wantKind(t, "no actor", s.AppendAccess(ctx, &store.AccessEntry{Action: "x"}), errs.Invalid)
	all, err := s.AccessEntries(ctx, 0, 0)
	if err != nil || len(all) != 5 {
		t.Fatalf("AccessEntries = %d, %v", len(all), err)
	}
	if bad := store.CheckAccessChain("", all); bad != 0 {
		t.Errorf("chain breaks at %d", bad)
	}
	tail, err := s.AccessEntries(ctx, 3, 10)
	if err != nil || len(tail) != 2 || tail[0].Seq != 4 {
		t.Fatalf("AccessEntries(after 3) = %+v, %v", tail, err)
	}
	if bad := store.CheckAccessChain(all[2].Hash, tail); bad != 0 {
		t.Errorf("tail chain breaks at %d", bad)
	}
	edited := slices.Clone(all)
	edited[1].ID = "t9"
	if bad := store.CheckAccessChain("", edited); bad != 2 {
		t.Errorf("edited entry: chain breaks at %d, want 2", bad)
	}
	removed := append(slices.Clone(all[:1]), all[2:]...)
	if bad := store.CheckAccessChain("", removed); bad != 3 {
		t.Errorf("removed entry: chain breaks at %d, want 3", bad)
	}
}
