package esengine

// eachOption walks the options of a clause's body in key order. It reads boost and
// _name, which every clause accepts (see commonOption), and hands every other key to
// option; the first error ends the walk and is returned.
func eachOption(obj map[string]any, boost *float64, option func(key string, v any) *esError) *esError {
	for _, k := range sortedKeys(obj) {
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
