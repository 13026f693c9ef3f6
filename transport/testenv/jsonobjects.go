package testenv

// EachObject calls fn on every JSON object in v (a value encoding/json decoded into an
// any), outermost first; fn may change the object's members before they are visited.
func EachObject(v any, fn func(map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		fn(x)
		for _, c := range x {
			EachObject(c, fn)
		}
	case []any:
		for _, c := range x {
			EachObject(c, fn)
		}
	}
}
