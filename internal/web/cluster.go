package web

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"

	"github.com/vigil-hr/vigil/internal/errs"
	"github.com/vigil-hr/vigil/internal/httpapi"
	"github.com/vigil-hr/vigil/internal/model"
)

// cluster is a group of events drawn as one mark: a single event when N is 1.
type cluster struct {
	Lat, Lon  float64
	N         int
	EventType string // the most frequent type in the group
	ID        string // the event's ID when N is 1
	Title     string // the event's place and date when N is 1
}

// cellPx is the side of a clustering cell on screen, in pixels.
const cellPx = 48

// gridCluster groups located events by a grid of cellPx-pixel cells in Web
// Mercator at the given zoom, the projection the map draws in. Each cell
// becomes one cluster at its events' mean position, so dense places stay
// legible and the answer is small whatever the number of events.
func gridCluster(evs []model.StoredEvent, zoom int) []cluster {
	zoom = max(0, min(zoom, 18))
	scale := 256 * math.Exp2(float64(zoom)) / cellPx
	type acc struct {
		c      cluster
		sumLat float64
		sumLon float64
		types  map[string]int
	}
	cells := map[[2]int]*acc{}
	var order [][2]int
	for i := range evs {
		l := evs[i].Location
		if l == nil || math.IsNaN(l.Latitude) || math.IsNaN(l.Longitude) {
			continue
		}
		lat := max(-85, min(85, l.Latitude))
		x := (l.Longitude + 180) / 360
		y := (1 - math.Log(math.Tan(lat*math.Pi/180)+1/math.Cos(lat*math.Pi/180))/math.Pi) / 2
		key := [2]int{int(math.Floor(x * scale)), int(math.Floor(y * scale))}
		a := cells[key]
		if a == nil {
			a = &acc{types: map[string]int{}}
			cells[key] = a
			order = append(order, key)
		}
		a.c.N++
		a.sumLat += l.Latitude
		a.sumLon += l.Longitude
		a.types[evs[i].EventType]++
		if a.c.N == 1 {
			a.c.ID = evs[i].ID
			a.c.Title = l.Name + " · " + evs[i].EventDate + " · " + evs[i].SubEventType
		}
	}
	out := make([]cluster, 0, len(order))
	for _, k := range order {
		a := cells[k]
		c := a.c
		c.Lat, c.Lon = a.sumLat/float64(c.N), a.sumLon/float64(c.N)
		best := 0
		for t, n := range a.types {
			if n > best || (n == best && t < c.EventType) {
				best, c.EventType = n, t
			}
		}
		if c.N > 1 {
			c.ID, c.Title = "", ""
		}
		out = append(out, c)
	}
	return out
}

// pointsBody is the answer of /map/points.json.
type pointsBody struct {
	Clusters  []clusterJSON `json:"clusters"`
	Located   int           `json:"located"`
	Total     int           `json:"total"`
	Truncated bool          `json:"truncated"`
}

type clusterJSON struct {
	Lat   float64 `json:"lat"`
	Lon   float64 `json:"lon"`
	N     int     `json:"n"`
	Class string  `json:"class"` // CSS class of the dominant event type
	ID    string  `json:"id,omitempty"`
	Title string  `json:"title,omitempty"`
}

func (s *Server) mapPoints(w http.ResponseWriter, r *http.Request) {
	q, err := httpapi.ParseEventQuery(r.URL.Query())
	if err != nil {
		writeJSONError(w, err)
		return
	}
	zoom := 5
	if z := r.URL.Query().Get("z"); z != "" {
		if zoom, err = strconv.Atoi(z); err != nil || zoom < 0 || zoom > 18 {
			writeJSONError(w, errs.E(errs.Invalid, "zoom z=%q is not 0 to 18", z))
			return
		}
	}
	evs, truncated, err := s.cfg.API.VisibleAllEvents(r.Context(), q)
	if err != nil {
		writeJSONError(w, err)
		return
	}
	body := pointsBody{Clusters: []clusterJSON{}, Total: len(evs), Truncated: truncated}
	for _, c := range gridCluster(evs, zoom) {
		body.Located += c.N
		body.Clusters = append(body.Clusters, clusterJSON{Lat: c.Lat, Lon: c.Lon, N: c.N, Class: typeClass(c.EventType), ID: c.ID, Title: c.Title})
	}
	b, err := json.Marshal(body)
	if err != nil {
		writeJSONError(w, err)
		return
	}
	writeCompressed(w, r, http.StatusOK, "application/json", b)
}

func writeJSONError(w http.ResponseWriter, err error) {
	status := errs.HTTPStatus(err)
	msg := err.Error()
	if status == http.StatusInternalServerError {
		msg = "internal error"
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"type": "about:blank", "title": http.StatusText(status), "status": status, "detail": msg})
}
