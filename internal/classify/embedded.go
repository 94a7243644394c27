package classify

import (
	"bytes"
	_ "embed"
	"sync"
)

// modelFile is the shipped model, trained by devtools/trainclassifier from
// corpus/events.
//
//go:embed model.bin.gz
var modelFile []byte

// DefaultModel returns the embedded model, loaded once.
var DefaultModel = sync.OnceValues(func() (*Model, error) {
	return ReadModel(bytes.NewReader(modelFile))
})
