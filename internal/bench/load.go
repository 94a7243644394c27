package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/vigil-hr/vigil/internal/classify"
	"github.com/vigil-hr/vigil/internal/errs"
)

// Bounds of a load test.
const (
	MaxClients  = 2000
	MaxDuration = 10 * time.Minute
)

// LoadConfig says how to load the API.
type LoadConfig struct {
	Target   string        // base URL of `vigil serve`, on a loopback address
	Clients  int           // concurrent clients, each one request at a time
	Duration time.Duration // how long
	Think    time.Duration // pause between a client's requests (0: none)
	Seed     uint64
}

// LoadResult is what the clients saw.
type LoadResult struct {
	Requests, Errors int
	FirstError       string
	Took             time.Duration
	Latency          Latency            // of every request
	ByKind           map[string]Latency // per kind of request
}

func (r LoadResult) String() string {
	s := fmt.Sprintf("%d requests in %.1fs (%.0f/s), %d errors; p50 %s, p99 %s, max %s",
		r.Requests, r.Took.Seconds(), float64(r.Requests)/r.Took.Seconds(), r.Errors, ms(r.Latency.P50), ms(r.Latency.P99), ms(r.Latency.Max))
	if r.FirstError != "" {
		s += "; first error: " + r.FirstError
	}
	return s
}

// CheckLoopback refuses a target that is not on this machine's loopback
// interface: the load test never sends traffic anywhere else.
func CheckLoopback(target string) (*url.URL, error) {
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return nil, errs.E(errs.Invalid, "target %q is not an http://HOST:PORT URL", target)
	}
	host := u.Hostname()
	if host == "localhost" {
		u.Host = net.JoinHostPort("127.0.0.1", u.Port())
		return u, nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return nil, errs.E(errs.Invalid, "target %q is not on a loopback address (127.0.0.0/8, ::1): the load test only targets this machine", target)
	}
	return u, nil
}

// request is one kind of request a client makes.
type request struct {
	kind   string
	weight int
	path   func(r *rand.Rand, ids []string) string
}

var requests = []request{
	{"list: first page", 30, func(r *rand.Rand, _ []string) string { return "/api/v1/events?limit=50" }},
	{"list: type + year", 25, func(r *rand.Rand, _ []string) string {
		from, to := randomWindow(r, 365)
		return "/api/v1/events?limit=50&sub_event_type=" + url.QueryEscape(classify.Taxonomy[r.IntN(len(classify.Taxonomy))].Sub) + "&from=" + from + "&to=" + to
	}},
	{"list: country + 90 days", 15, func(r *rand.Rand, _ []string) string {
		from, to := randomWindow(r, 90)
		return "/api/v1/events?limit=50&country=" + places[r.IntN(len(places))].iso3 + "&from=" + from + "&to=" + to
	}},
	{"event by id", 25, func(r *rand.Rand, ids []string) string {
		return "/api/v1/events/" + url.PathEscape(ids[r.IntN(len(ids))])
	}},
	{"healthz", 5, func(r *rand.Rand, _ []string) string { return "/healthz" }},
}

func pick(r *rand.Rand) request {
	total := 0
	for _, q := range requests {
		total += q.weight
	}
	n := r.IntN(total)
	for _, q := range requests {
		if n < q.weight {
			return q
		}
		n -= q.weight
	}
	return requests[0]
}

// Load runs cfg.Clients clients against the API for cfg.Duration. Each
// client sends one request at a time (a mix of event lists with filters,
// single events and the health probe), waits for the whole answer, pauses
// cfg.Think and goes on; every request has a 10 s timeout. It stops by
// itself at the deadline, or earlier when ctx is done.
func Load(ctx context.Context, cfg LoadConfig) (LoadResult, error) {
	var res LoadResult
	base, err := CheckLoopback(cfg.Target)
	if err != nil {
		return res, err
	}
	if cfg.Clients < 1 || cfg.Clients > MaxClients {
		return res, errs.E(errs.Invalid, "%d clients: give 1 to %d", cfg.Clients, MaxClients)
	}
	if cfg.Duration <= 0 || cfg.Duration > MaxDuration {
		return res, errs.E(errs.Invalid, "duration %v: give up to %v", cfg.Duration, MaxDuration)
	}
	client := &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns: cfg.Clients, MaxIdleConnsPerHost: cfg.Clients, IdleConnTimeout: 30 * time.Second,
			DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	defer client.CloseIdleConnections()
	ids, err := eventIDs(ctx, client, base.String())
	if err != nil {
		return res, err
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	type sample struct {
		kind string
		d    time.Duration
	}
	var mu sync.Mutex
	var all []sample
	var wg sync.WaitGroup
	start := time.Now()
	for c := range cfg.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(cfg.Seed, uint64(c)))
			var mine []sample
			errors, first := 0, ""
			for ctx.Err() == nil {
				q := pick(r)
				t0 := time.Now()
				err := get(ctx, client, base.String()+q.path(r, ids))
				d := time.Since(t0)
				if ctx.Err() != nil {
					break // cut by the deadline: not counted
				}
				mine = append(mine, sample{q.kind, d})
				if err != nil {
					errors++
					if first == "" {
						first = err.Error()
					}
				}
				if cfg.Think > 0 {
					select {
					case <-time.After(time.Duration(r.Int64N(int64(2 * cfg.Think)))): // mean Think
					case <-ctx.Done():
					}
				}
			}
			mu.Lock()
			all = append(all, mine...)
			res.Errors += errors
			if res.FirstError == "" {
				res.FirstError = first
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.Took = time.Since(start)
	res.Requests = len(all)
	byKind := map[string][]time.Duration{}
	ds := make([]time.Duration, len(all))
	for i, s := range all {
		ds[i] = s.d
		byKind[s.kind] = append(byKind[s.kind], s.d)
	}
	res.Latency = Summarise("all requests", ds)
	res.ByKind = map[string]Latency{}
	for k, v := range byKind {
		res.ByKind[k] = Summarise(k, v)
	}
	return res, nil
}

// get fetches one URL and reads the whole answer; a status other than 200
// is an error.
func get(ctx context.Context, c *http.Client, u string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<20)); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", req.URL.Path, resp.Status)
	}
	return nil
}

// eventIDs asks the API for some event IDs to request one by one.
func eventIDs(ctx context.Context, c *http.Client, base string) ([]string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/events?limit=1000", nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, errs.E(errs.Unavailable, "the API at %s does not answer: %v", base, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, errs.E(errs.Unavailable, "GET %s/api/v1/events: %s", base, resp.Status)
	}
	var list struct {
		Events []struct {
			ID string `json:"id"`
		} `json:"events"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&list); err != nil {
		return nil, fmt.Errorf("GET %s/api/v1/events: %w", base, err)
	}
	if len(list.Events) == 0 {
		return nil, errs.E(errs.Invalid, "the API at %s holds no events: load some first", base)
	}
	ids := make([]string, len(list.Events))
	for i, e := range list.Events {
		ids[i] = e.ID
	}
	return ids, nil
}
