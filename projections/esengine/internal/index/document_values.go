package index

import (
	"encoding/json"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/planstore/planstore/projections/esengine/internal/mapping"
	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

func (p *docParser) value(f *mapping.FieldMapping, v any, chain []*mapping.FieldMapping) *wire.EsError {
	if arr, ok := v.([]any); ok {
		for _, e := range arr {
			if err := p.value(f, e, chain); err != nil {
				return err
			}
		}
		return nil
	}
	if v == nil {
		if f.NullValue == nil {
			return nil
		}
		v = f.NullValue
	}
	switch f.Typ {
	case mapping.TypeObject:
		obj, ok := v.(map[string]any)
		if !ok {
			return mapping.ErrMapping("object mapping for [%s] tried to parse field [%s] as object, but found a concrete value", f.Path, f.Name)
		}
		return p.object(f, obj, append(chain, f))
	case mapping.TypeJoin:
		return p.join(f, v)
	case mapping.TypeKeyword:
		s, ok := wire.ScalarText(v)
		if !ok {
			return p.fieldError(f, v, wire.NewError(http.StatusBadRequest, "illegal_state_exception", "Can't get text on a START_OBJECT"))
		}
		if f.IgnoreAbove == 0 || mapping.Utf16Length(s) <= f.IgnoreAbove {
			p.term(f.Path, s)
		} else {
			p.ignore(f.Path)
		}
	case mapping.TypeText:
		s, ok := wire.ScalarText(v)
		if !ok {
			return p.fieldError(f, v, wire.NewError(http.StatusBadRequest, "illegal_state_exception", "Can't get text on a START_OBJECT"))
		}
		p.text(f.Path, s)
	case mapping.TypeBoolean:
		b, err := p.boolean(f, v)
		if err != nil {
			return err
		}
		p.term(f.Path, strconv.FormatBool(b))
		p.number(f.Path, boolNumber(b))
	default:
		if !f.IsNumeric() {
			return mapping.ErrMapping("field [%s] has unsupported type [%s]", f.Path, f.Typ)
		}
		n, err := p.numeric(f, v)
		if err != nil {
			return err
		}
		p.number(f.Path, n)
	}
	for _, sub := range f.MultiFields {
		if err := p.value(sub, v, chain); err != nil {
			return err
		}
	}
	return nil
}

func boolNumber(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func (p *docParser) fieldError(f *mapping.FieldMapping, v any, cause *wire.EsError) *wire.EsError {
	return mapping.ErrMapping("failed to parse field [%s] of type [%s] in document with id '%s'. Preview of field's value: '%s'",
		f.Path, f.Typ, p.id, javaPreview(v)).Because(cause)
}

func (p *docParser) boolean(f *mapping.FieldMapping, v any) (bool, *wire.EsError) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case string:
		switch x {
		case "true":
			return true, nil
		case "false", "":
			return false, nil
		}
	}
	return false, p.fieldError(f, v, wire.ErrIllegalArgument("Failed to parse value [%s] as only [true] or [false] are allowed.", javaPreview(v)))
}

// numeric parses a number the way Elasticsearch's default coercion does: numeric strings
// are accepted, integer types drop the fraction, and out-of-range values are refused.
func (p *docParser) numeric(f *mapping.FieldMapping, v any) (float64, *wire.EsError) {
	var text string
	switch x := v.(type) {
	case json.Number:
		text = x.String()
	case string:
		text = strings.TrimSpace(x)
	case bool:
		return 0, p.fieldError(f, v, wire.NewError(http.StatusBadRequest, "json_parse_exception", "Current token (VALUE_%s) not numeric, can not use numeric value accessors", strings.ToUpper(strconv.FormatBool(x))))
	default:
		return 0, p.fieldError(f, v, wire.NewError(http.StatusBadRequest, "json_parse_exception", "Current token (START_OBJECT) not numeric, can not use numeric value accessors"))
	}
	n, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
		return 0, p.fieldError(f, v, wire.NewError(http.StatusBadRequest, "number_format_exception", "For input string: \"%s\"", text))
	}
	return normaliseNumber(f.Typ, n, func(kind string) *wire.EsError {
		return p.fieldError(f, v, wire.ErrIllegalArgument("Value [%s] is out of range for %s", text, kind))
	})
}

// integerLimits are the ranges of the integer field types, and how Elasticsearch names
// them in out-of-range errors.
var integerLimits = map[string]struct {
	min, max float64
	kind     string
}{
	mapping.TypeLong:    {math.MinInt64, math.MaxInt64, "a long"},
	mapping.TypeInteger: {math.MinInt32, math.MaxInt32, "an integer"},
	mapping.TypeShort:   {math.MinInt16, math.MaxInt16, "a short"},
	mapping.TypeByte:    {math.MinInt8, math.MaxInt8, "a byte"},
}

// normaliseNumber applies a numeric field type to a value: integer types truncate and are
// range-checked, float types round to their precision.
func normaliseNumber(typ string, n float64, outOfRange func(kind string) *wire.EsError) (float64, *wire.EsError) {
	switch typ {
	case mapping.TypeFloat, mapping.TypeHalfFloat:
		return float64(float32(n)), nil
	case mapping.TypeDouble:
		return n, nil
	}
	l := integerLimits[typ]
	t := math.Trunc(n)
	if t < l.min || t > l.max {
		return 0, outOfRange(l.kind)
	}
	return t, nil
}

// dedupeScanLimit is how many values a document may hold before duplicate checks switch
// from a scan to a set; typical documents stay under it and allocate no set at all.
const dedupeScanLimit = 32

// term records a keyword-like value; a value repeated in an array is one posting.
func (p *docParser) term(field, value string) {
	p.terms = appendUnique(p.terms, &p.termSet, IndexedTerm{field, value})
}

// number records a numeric value; like terms, a repeated value is one posting.
func (p *docParser) number(field string, value float64) {
	p.numbers = appendUnique(p.numbers, &p.numberSet, IndexedNumber{field, value})
}

// appendUnique appends v to list unless list holds it already. Typical documents stay
// under dedupeScanLimit values and find a repeat by scanning; past it, *seen is made
// once from the list so large documents stay linear.
func appendUnique[T comparable](list []T, seen *map[T]bool, v T) []T {
	if len(list) < dedupeScanLimit {
		if slices.Contains(list, v) {
			return list
		}
		return append(list, v)
	}
	if *seen == nil {
		*seen = make(map[T]bool, 2*len(list))
		for _, old := range list {
			(*seen)[old] = true
		}
	}
	if (*seen)[v] {
		return list
	}
	(*seen)[v] = true
	return append(list, v)
}

func (p *docParser) text(field, value string) {
	count := int32(0)
	mapping.ForEachToken(value, func(tok string) {
		count++
		p.token(field, tok)
	})
	// A value without tokens still counts as a value of the field (exists matches it,
	// as Elasticsearch's _field_names does), with length 0.
	for i := range p.lengths {
		if p.lengths[i].Field == field {
			p.lengths[i].Length += count
			return
		}
	}
	p.lengths = append(p.lengths, FieldLength{field, count})
}

// token counts one occurrence of a token; like terms, small documents find a repeat by
// scanning and only large ones pay for a map.
func (p *docParser) token(field, tok string) {
	if p.tokenIndex == nil && len(p.tokens) < dedupeScanLimit {
		for i := range p.tokens {
			if t := &p.tokens[i]; t.Field == field && t.Token == tok {
				t.Freq++
				return
			}
		}
		p.tokens = append(p.tokens, IndexedToken{Field: field, Token: tok, Freq: 1})
		return
	}
	if p.tokenIndex == nil {
		p.tokenIndex = make(map[indexedTokenKey]int, 2*len(p.tokens))
		for i, t := range p.tokens {
			p.tokenIndex[indexedTokenKey{t.Field, t.Token}] = i
		}
	}
	key := indexedTokenKey{field, tok}
	if i, ok := p.tokenIndex[key]; ok {
		p.tokens[i].Freq++
		return
	}
	p.tokenIndex[key] = len(p.tokens)
	p.tokens = append(p.tokens, IndexedToken{Field: field, Token: tok, Freq: 1})
}

// javaPreview renders a value the way Elasticsearch previews it in mapping errors
// (Java's Map/List toString).
func javaPreview(v any) string {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + javaPreview(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = javaPreview(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case nil:
		return "null"
	}
	s, _ := wire.ScalarText(v)
	return s
}
