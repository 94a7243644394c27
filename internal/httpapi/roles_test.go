package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigil-hr/vigil/internal/auth"
	"github.com/vigil-hr/vigil/internal/model"
	"github.com/vigil-hr/vigil/internal/redact"
	"github.com/vigil-hr/vigil/internal/store"
	"github.com/vigil-hr/vigil/internal/vault"
)

// wantAction is the action every API route must declare, written out here
// independently of the route table: a route added without an entry here,
// or declaring another action, fails TestRouteActions.
var wantAction = map[string]auth.Action{
	"GET /healthz":                           auth.ReadPublished,
	"GET /api/openapi.json":                  auth.ReadPublished,
	"GET /api/v1/events":                     auth.ReadPublished,
	"GET /api/v1/events.geojson":             auth.ReadPublished,
	"GET /api/v1/events/{id}":                auth.ReadPublished,
	"GET /api/v1/events/{id}/known":          auth.ReadPublished,
	"GET /api/v1/documents":                  auth.ReadRecords,
	"GET /api/v1/documents/{id}":             auth.ReadRecords,
	"GET /api/v1/documents/{id}/reports":     auth.ReadRecords,
	"GET /api/v1/testimonies":                auth.ReadPublished,
	"GET /api/v1/testimonies/{id}":           auth.ReadPublished,
	"GET /api/v1/testimonies/{id}/protected": auth.ReadProtected,
}

// publicAnswer is what the public gets from the routes it may call while
// nothing is published: empty lists, and 404 for single records.
var publicAnswer = map[string]struct {
	status int
	body   string
}{
	"GET /healthz":                  {200, `"status":"ok"`},
	"GET /api/openapi.json":         {200, `"securitySchemes"`},
	"GET /api/v1/events":            {200, `"events":[],"total":0`},
	"GET /api/v1/events.geojson":    {200, `"features":[]`},
	"GET /api/v1/events/{id}":       {404, `no published event`},
	"GET /api/v1/events/{id}/known": {404, `no published event`},
	"GET /api/v1/testimonies":       {200, `"testimonies":[]`},
	"GET /api/v1/testimonies/{id}":  {404, `no published testimony`},
}

// TestRouteActions: every route declares the action written out above,
// and the document says the same.
func TestRouteActions(t *testing.T) {
	doc := OpenAPI()
	paths := doc["paths"].(map[string]any)
	seen := map[string]bool{}
	for _, rt := range Routes() {
		key := rt.Method + " " + rt.Path
		seen[key] = true
		want, ok := wantAction[key]
		switch {
		case rt.Action == "":
			t.Errorf("%s declares no action", key)
		case !slices.Contains(auth.Actions, rt.Action):
			t.Errorf("%s declares unknown action %q", key, rt.Action)
		case !ok:
			t.Errorf("%s is not in wantAction: add it, and the roles test will call it for every role", key)
		case want != rt.Action:
			t.Errorf("%s declares %s, want %s", key, rt.Action, want)
		}
		op := paths[rt.Path].(map[string]any)[strings.ToLower(rt.Method)].(map[string]any)
		if op["x-vigil-action"] != string(rt.Action) {
			t.Errorf("%s: document says action %v", key, op["x-vigil-action"])
		}
		sec := op["security"].([]any)
		anonymous := slices.ContainsFunc(sec, func(x any) bool { return len(x.(map[string]any)) == 0 })
		if anonymous != auth.Can(auth.Public, rt.Action) {
			t.Errorf("%s: document allows anonymous calls: %v", key, anonymous)
		}
	}
	for key := range wantAction {
		if !seen[key] {
			t.Errorf("%s is expected but not served", key)
		}
	}
}

// TestUndeclaredActionRefusesEveryone: a route that declares no action
// is closed to every role, the admin included.
func TestUndeclaredActionRefusesEveryone(t *testing.T) {
	h := Require("", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) }))
	for _, p := range []*auth.Principal{LocalPrincipal(), {Role: auth.Public}} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil).WithContext(auth.WithPrincipal(context.Background(), p)))
		if rec.Code == 200 {
			t.Errorf("%s passed a route without an action", p.Role)
		}
	}
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// cred is a way of calling the API.
type cred struct {
	name   string
	role   auth.Role // the role it acts as when valid; "" for bad credentials
	header string    // Authorization header
	cookie string    // session cookie
	userID string
}

const password = "correct horse battery"

// credentials makes a user of each role, a token for each, sessions for
// some, and bad credentials of every kind.
func credentials(t *testing.T, svc *auth.Service, c *clock) []cred {
	t.Helper()
	ctx := context.Background()
	var out []cred
	for _, r := range auth.UserRoles {
		u, err := svc.AddUser(ctx, "system:test", string(r)+"-user", r, password)
		if err != nil {
			t.Fatal(err)
		}
		tok, _, err := svc.NewToken(ctx, "system:test", u.Name, "test", 0)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, cred{name: string(r) + " (token)", role: r, header: "Bearer " + tok, userID: u.ID})
		lr, err := svc.Login(ctx, u.Name, password)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, cred{name: string(r) + " (session)", role: r, cookie: lr.SessionID, userID: u.ID})
	}
	out = append(out, cred{name: "public", role: auth.Public})

	// A disabled analyst: its token is refused, its session ends (the
	// request then goes on as the public).
	if _, err := svc.AddUser(ctx, "system:test", "gone", auth.Analyst, password); err != nil {
		t.Fatal(err)
	}
	gtok, _, _ := svc.NewToken(ctx, "system:test", "gone", "", 0)
	glr, err := svc.Login(ctx, "gone", password)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.SetDisabled(ctx, "system:test", "gone", true); err != nil {
		t.Fatal(err)
	}
	out = append(out, cred{name: "disabled user (token)", header: "Bearer " + gtok},
		cred{name: "disabled user (session)", role: auth.Public, cookie: glr.SessionID})

	// An expired token (valid for an hour, two hours ago) and a revoked one.
	exp, _, _ := svc.NewToken(ctx, "system:test", "admin-user", "short", time.Hour)
	c.t = c.t.Add(2 * time.Hour)
	rev, rec, _ := svc.NewToken(ctx, "system:test", "admin-user", "revoked", 0)
	if err := svc.RevokeToken(ctx, "system:test", rec.ID); err != nil {
		t.Fatal(err)
	}
	out = append(out, cred{name: "expired token", header: "Bearer " + exp}, cred{name: "revoked token", header: "Bearer " + rev},
		cred{name: "unknown token", header: "Bearer vigil_" + strings.Repeat("A", 43)},
		cred{name: "not a bearer", header: "Basic YWRtaW46cGFzc3dvcmQ="})
	return out
}

// TestEveryRouteEveryRole calls every API route with every credential:
// allowed where the policy allows the route's action (the public then
// sees only what is published: nothing yet), 401 for no or bad
// credentials, 403 for a known user the policy refuses. Protected fields
// appear only in the answers of the roles that may read them, and every
// such read is in the access log.
func TestEveryRouteEveryRole(t *testing.T) {
	fx := newStore(t)
	c := &clock{time.Now()}
	svc := &auth.Service{Store: fx.st, Params: auth.Params{Memory: 64, Time: 1, Threads: 1}, Now: c.now}
	creds := credentials(t, svc, c)
	srv := httptest.NewServer(fx.server(&Access{Auth: svc}).Handler())
	defer srv.Close()
	doc := OpenAPI()
	b, _ := json.Marshal(doc)
	json.Unmarshal(b, &doc)
	ids := map[string]string{
		"/api/v1/events/{id}": fx.ids[0], "/api/v1/events/{id}/known": fx.ids[0],
		"/api/v1/documents/{id}": fx.docIDs[0], "/api/v1/documents/{id}/reports": fx.docIDs[0],
		"/api/v1/testimonies/{id}": fx.testimony, "/api/v1/testimonies/{id}/protected": fx.testimony,
	}
	reveals := map[string]int{} // actor -> reads of protected fields expected in the log
	for _, rt := range Routes() {
		key := rt.Method + " " + rt.Path
		action := wantAction[key]
		path := rt.Path
		if id, ok := ids[path]; ok {
			path = strings.ReplaceAll(path, "{id}", id)
		} else if strings.Contains(path, "{") {
			t.Fatalf("%s: no example ID; add one", key)
		}
		for _, cr := range creds {
			t.Run(key+"/"+cr.name, func(t *testing.T) {
				req, _ := http.NewRequest(rt.Method, srv.URL+path, nil)
				if cr.header != "" {
					req.Header.Set("Authorization", cr.header)
				}
				if cr.cookie != "" {
					req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: cr.cookie})
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				raw, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				body := string(raw)

				wantStatus, wantBody := 200, ""
				switch {
				case cr.role == "":
					wantStatus = 401
				case cr.role == auth.Public && !auth.Can(auth.Public, action):
					wantStatus = 401
				case cr.role == auth.Public:
					pa, ok := publicAnswer[key]
					if !ok {
						t.Fatalf("no public answer written for %s", key)
					}
					wantStatus, wantBody = pa.status, pa.body
				case !auth.Can(cr.role, action):
					wantStatus = 403
				}
				if resp.StatusCode != wantStatus {
					t.Fatalf("status %d, want %d: %.300s", resp.StatusCode, wantStatus, body)
				}
				if !strings.Contains(body, wantBody) {
					t.Errorf("body lacks %q: %.300s", wantBody, body)
				}
				// Refusals are documented problems.
				if wantStatus == 401 || wantStatus == 403 {
					code := strings.TrimSpace(strings.Fields(resp.Status)[0])
					op := doc["paths"].(map[string]any)[rt.Path].(map[string]any)[strings.ToLower(rt.Method)].(map[string]any)
					r, ok := op["responses"].(map[string]any)[code].(map[string]any)
					if !ok {
						t.Fatalf("status %s is not documented", code)
					}
					var v any
					json.Unmarshal(raw, &v)
					schema := r["content"].(map[string]any)["application/problem+json"].(map[string]any)["schema"].(map[string]any)
					for _, e := range validate(doc, schema, v, "$") {
						t.Errorf("refusal body: %s", e)
					}
				}
				// A list that the role may read in full is not empty.
				if wantStatus == 200 && cr.role != auth.Public && (key == "GET /api/v1/events" || key == "GET /api/v1/testimonies") &&
					(strings.Contains(body, "[]") || !strings.Contains(body, fx.ids[0])) {
					t.Errorf("%s sees an empty list: %.300s", cr.role, body)
				}
				revealed := strings.Contains(body, witness.WitnessName) || strings.Contains(body, witness.WitnessContact) ||
					strings.Contains(body, witness.Location) || strings.Contains(body, witness.Notes)
				if revealed != (wantStatus == 200 && rt.Path == "/api/v1/testimonies/{id}/protected") {
					t.Errorf("protected fields revealed: %v: %.300s", revealed, body)
				}
				if revealed {
					reveals["user:"+cr.userID]++
					if resp.Header.Get("Cache-Control") != "no-store" {
						t.Error("revealed fields may be cached")
					}
				}
			})
		}
	}
	// Every reveal is in the access log, under its reader; nothing else is.
	entries, err := fx.st.AccessEntries(context.Background(), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, e := range entries {
		if e.Action == vault.ActionReadProtected {
			got[e.Actor]++
			if e.ID != fx.testimony {
				t.Errorf("logged a read of %q", e.ID)
			}
		}
	}
	if len(reveals) != 2 || len(got) != len(reveals) {
		t.Errorf("reveals by %v, logged %v: want the analyst's and the admin's", reveals, got)
	}
	for a, n := range reveals {
		if got[a] != n {
			t.Errorf("%s revealed %d times, logged %d", a, n, got[a])
		}
	}
}

// TestLocalMode: in single-user local mode every request acts as the
// local admin, and a request addressed to another host (DNS rebinding) is
// refused; reveals are logged as user:local.
func TestLocalMode(t *testing.T) {
	fx := newServer(t)
	resp, body := get(t, fx.srv.URL+"/api/v1/testimonies/"+fx.testimony+"/protected")
	if resp.StatusCode != 200 || !strings.Contains(body, witness.WitnessName) {
		t.Fatalf("local reveal: %d %s", resp.StatusCode, body)
	}
	entries, _ := fx.st.AccessEntries(context.Background(), 0, 100)
	if n := len(entries); n == 0 || entries[n-1].Actor != "user:"+LocalUserID {
		t.Errorf("access log %+v: want the local user's read", entries)
	}
	req, _ := http.NewRequest("GET", fx.srv.URL+"/api/v1/events", nil)
	req.Host = "rebind.example:8080"
	r2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r2.Body.Close()
	if r2.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("Host rebind.example: status %d, want 421", r2.StatusCode)
	}
	req, _ = http.NewRequest("GET", fx.srv.URL+"/api/v1/testimonies/"+fx.testimony+"/protected", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if r3, err := http.DefaultClient.Do(req); err != nil || r3.StatusCode != 403 {
		t.Errorf("a cross-site reveal in local mode: %v %v, want 403", r3.StatusCode, err)
	} else {
		r3.Body.Close()
	}
	for host, ok := range map[string]bool{"localhost:8080": true, "127.0.0.1": true, "127.9.9.9:1": true, "[::1]:80": true,
		"app.localhost": true, "10.0.0.1:80": false, "evil.example": false, "": false, "localhost.evil.example": false} {
		if LoopbackHost(host) != ok {
			t.Errorf("LoopbackHost(%q) = %v", host, !ok)
		}
	}
}

// TestCrossSiteSession: a request authenticated by session cookie that the
// browser marks cross-site is refused, so another site cannot make a
// user reveal protected fields; the same with a token goes through.
func TestCrossSiteSession(t *testing.T) {
	fx := newStore(t)
	svc := &auth.Service{Store: fx.st, Params: auth.Params{Memory: 64, Time: 1, Threads: 1}}
	ctx := context.Background()
	if _, err := svc.AddUser(ctx, "system:test", "ana", auth.Analyst, password); err != nil {
		t.Fatal(err)
	}
	lr, _ := svc.Login(ctx, "ana", password)
	srv := httptest.NewServer(fx.server(&Access{Auth: svc}).Handler())
	defer srv.Close()
	for _, site := range []string{"cross-site", "same-origin", ""} {
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/testimonies/"+fx.testimony+"/protected", nil)
		req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: lr.SessionID})
		if site != "" {
			req.Header.Set("Sec-Fetch-Site", site)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if want := map[bool]int{true: 403, false: 200}[site == "cross-site"]; resp.StatusCode != want {
			t.Errorf("Sec-Fetch-Site %q: status %d, want %d", site, resp.StatusCode, want)
		}
	}
}

// publishFirst publishes the fixture's first event and its testimony.
type publishFirst struct{ event, testimony string }

func (p publishFirst) EventPublished(_ context.Context, ev *model.StoredEvent) (bool, error) {
	return ev.ID == p.event, nil
}

func (p publishFirst) TestimonyPublished(_ context.Context, t *store.Testimony) (bool, error) {
	return t.ID == p.testimony, nil
}

type centroids map[string][2]float64

func (c centroids) Centroid(iso3, admin1, admin2 string) (float64, float64, bool) {
	v, ok := c[iso3+"/"+admin1+"/"+admin2]
	return v[0], v[1], ok
}

// TestPublicSeesPublishedThroughGate: once something is published (review
// will do it), the public sees it, and only it, as the publication gate
// leaves it: the place of an event a sensitive testimony reports is
// blurred to its admin2 centroid, witnesses lose their names, quotes go;
// a testimony keeps no protected field, notes or exact date.
func TestPublicSeesPublishedThroughGate(t *testing.T) {
	fx := newStore(t)
	ctx := context.Background()
	ev, err := fx.st.GetEvent(ctx, fx.ids[0])
	if err != nil {
		t.Fatal(err)
	}
	l := ev.Location
	s := fx.server(nil)
	s.Publication = publishFirst{fx.ids[0], fx.testimony}
	s.Gate = &redact.Gate{Centroids: centroids{l.ISO3 + "/" + l.Admin1 + "/" + l.Admin2: {11.5, -2.5}}}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()

	_, body := get(t, srv.URL+"/api/v1/events")
	var list EventList
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatal(err)
	}
	if list.Total != 1 || len(list.Events) != 1 || list.Events[0].ID != fx.ids[0] {
		t.Fatalf("public list %s: want the published event only", body)
	}
	for _, got := range []model.StoredEvent{list.Events[0]} {
		if got.Location == nil || got.Location.Latitude != 11.5 || got.Location.Longitude != -2.5 || got.Location.GeoPrecision != model.GeoNear {
			t.Errorf("location %+v: want the admin2 centroid", got.Location)
		}
		for _, e := range got.Evidence {
			if e.Text != "" {
				t.Errorf("evidence quote %q published", e.Text)
			}
		}
	}
	if strings.Contains(body, ftoa(l.Latitude)) {
		t.Errorf("the exact latitude %v is published: %s", l.Latitude, body)
	}
	if resp, _ := get(t, srv.URL+"/api/v1/events/"+fx.ids[1]); resp.StatusCode != 404 {
		t.Errorf("an unpublished event: status %d", resp.StatusCode)
	}
	if resp, b := get(t, srv.URL+"/api/v1/events/"+fx.ids[0]); resp.StatusCode != 200 || !strings.Contains(b, "11.5") {
		t.Errorf("the published event: %d %s", resp.StatusCode, b)
	}
	// Searching for the exact place finds nothing the gate hid.
	if _, b := get(t, srv.URL+"/api/v1/events?bbox="+ftoa(l.Longitude-0.001)+","+ftoa(l.Latitude-0.001)+","+ftoa(l.Longitude+0.001)+","+ftoa(l.Latitude+0.001)); !strings.Contains(b, `"total":0`) {
		t.Errorf("a bbox around the exact place found the blurred event: %s", b)
	}
	_, body = get(t, srv.URL+"/api/v1/testimonies")
	var tl TestimonyList
	json.Unmarshal([]byte(body), &tl)
	if len(tl.Testimonies) != 1 {
		t.Fatalf("public testimonies %s", body)
	}
	pt := tl.Testimonies[0]
	if pt.Admin2 != "" || pt.TakenOn != "2025-03" || pt.Notes != "" || pt.CreatedBy != "" || len(pt.HasProtected) != 0 || !pt.Protected.IsZero() {
		t.Errorf("public testimony %+v", pt)
	}
	for _, secret := range []string{witness.WitnessName, witness.WitnessContact, witness.Location, witness.Notes, "system:test"} {
		if strings.Contains(body, secret) {
			t.Errorf("public testimonies carry %q", secret)
		}
	}
	if resp, _ := get(t, srv.URL+"/api/v1/testimonies/"+fx.testimony+"/protected"); resp.StatusCode != 401 {
		t.Errorf("public reveal: status %d", resp.StatusCode)
	}
}

// FuzzLoopbackHost: a Host that LoopbackHost accepts names localhost or a
// loopback address, whatever its port.
func FuzzLoopbackHost(f *testing.F) {
	for _, s := range []string{"localhost:8080", "127.0.0.1", "[::1]:80", "evil.example", "127.0.0.1.evil.example", "[::ffff:127.0.0.1]:1", "app.localhost"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, host string) {
		if !LoopbackHost(host) {
			return
		}
		h := host
		if x, _, err := net.SplitHostPort(host); err == nil {
			h = x
		}
		h = strings.ToLower(strings.Trim(h, "[]"))
		ip := net.ParseIP(h)
		if !(h == "localhost" || strings.HasSuffix(h, ".localhost") || ip != nil && ip.IsLoopback()) {
			t.Fatalf("LoopbackHost(%q) accepted %q", host, h)
		}
	})
}
