package export

import (
	"bufio"
	"bytes"
	"encoding/json"

	"github.com/vigil-hr/vigil/internal/model"
)

// Line is one line of `vigil export --format jsonl` and the properties of a
// GeoJSON feature: the event fields of `vigil extract`, plus id, the
// documents that report it and how many of them are independent.
//
// When the store keeps incidents, a line is an incident: the event merged
// from its reports, its id, every document that reports it and how many of
// them are independent. An event not yet linked stands alone: Documents holds
// its one document and IndependentSources is 1.
type Line struct {
	model.Event
	Documents          []string `json:"documents"`
	IndependentSources int      `json:"independent_sources"`
}

// LineOf returns the Line of a stored event.
func LineOf(se *model.StoredEvent) Line {
	l := Line{Event: se.Event, Documents: []string{}}
	l.ID = se.ID
	if se.DocumentID != "" {
		l.Documents = append(l.Documents, se.DocumentID)
		l.IndependentSources = 1
	}
	normalizeNil(&l.Event)
	return l
}

// normalizeNil writes empty lists as [] rather than null, as extract does.
func normalizeNil(ev *model.Event) {
	if ev.Actors == nil {
		ev.Actors = []model.Actor{}
	}
	if ev.Sources == nil {
		ev.Sources = []model.Source{}
	}
	if ev.Evidence == nil {
		ev.Evidence = []model.Evidence{}
	}
}

type jsonlEncoder struct {
	w   *bufio.Writer
	enc *json.Encoder
}

func (e *jsonlEncoder) begin() error {
	e.enc = json.NewEncoder(e.w)
	e.enc.SetEscapeHTML(false)
	return nil
}

func (e *jsonlEncoder) event(se *model.StoredEvent) (bool, error) {
	return true, e.enc.Encode(LineOf(se))
}

func (e *jsonlEncoder) end() error { return nil }

// geojsonEncoder writes an RFC 7946 FeatureCollection, one Feature per
// event: a Point at the event's location ([longitude, latitude], WGS 84),
// or a null geometry when the event has no location.
type geojsonEncoder struct {
	w   *bufio.Writer
	buf bytes.Buffer
	enc *json.Encoder
	n   int
}

type geoFeature struct {
	Type       string    `json:"type"`
	ID         string    `json:"id,omitempty"`
	Geometry   *geoPoint `json:"geometry"`
	Properties Line      `json:"properties"`
}

type geoPoint struct {
	Type        string     `json:"type"`
	Coordinates [2]float64 `json:"coordinates"`
}

func (e *geojsonEncoder) begin() error {
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(false)
	_, err := e.w.WriteString(`{"type":"FeatureCollection","features":[`)
	return err
}

func (e *geojsonEncoder) event(se *model.StoredEvent) (bool, error) {
	f := geoFeature{Type: "Feature", ID: se.ID, Properties: LineOf(se)}
	if l := se.Location; l != nil {
		f.Geometry = &geoPoint{Type: "Point", Coordinates: [2]float64{l.Longitude, l.Latitude}}
	}
	e.buf.Reset()
	if err := e.enc.Encode(f); err != nil {
		return false, err
	}
	if e.n > 0 {
		e.w.WriteByte(',')
	}
	e.w.WriteByte('\n')
	e.n++
	_, err := e.w.Write(bytes.TrimSuffix(e.buf.Bytes(), []byte("\n")))
	return true, err
}

func (e *geojsonEncoder) end() error {
	_, err := e.w.WriteString("\n]}\n")
	return err
}
