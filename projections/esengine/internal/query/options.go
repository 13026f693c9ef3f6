package query

import (
	"github.com/planstore/planstore/projections/esengine/internal/mapping"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// eachOption walks the options of a clause's body in key order. It reads boost and
// _name, which every clause accepts (see commonOption), and hands every other key to
// option; the first error ends the walk and is returned.
func eachOption(obj map[string]any, boost *float64, option func(key string, v any) *wire.EsError) *wire.EsError {
	for _, k := range mapping.SortedKeys(obj) {
		v := obj[k]
		handled, err := commonOption(k, v, boost)
		if !handled {
			err = option(k, v)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
