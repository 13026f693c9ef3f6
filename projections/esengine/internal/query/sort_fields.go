package query

import (
	"net/http"
	"slices"

	"github.com/planstore/planstore/projections/esengine/internal/wire"
)

// Sorting on metadata fields and on unmapped fields with unmapped_type, as Elasticsearch
// 7.17 answers them (issue 14).

// metadataSortKind resolves a sort on a metadata field: _index, _seq_no and _version
// sort as Elasticsearch's do, _routing and _source have no field data and are refused
// like there. ok is false for any other field.
func metadataSortKind(field string) (kind sortKind, ok bool, err *wire.EsError) {
	switch field {
	case "_index":
		return sortByIndex, true, nil
	case "_seq_no":
		return sortBySeqNo, true, nil
	case "_version":
		return sortByVersion, true, nil
	case "_routing", "_source":
		return 0, true, wire.ErrIllegalArgument("Fielddata is not supported on field [%s] of type [%s]", field, field)
	}
	return 0, false, nil
}

// anonymousField is the name Elasticsearch gives the stand-in field of unmapped_type.
const anonymousField = "__anonymous_"

// unmappedSortKind resolves unmapped_type for a field the index does not map: every
// document misses it, so the type only decides how missing prints (Long.MAX_VALUE for
// integer types, dates and booleans; Infinity for floating types; null for keywords)
// and which types Elasticsearch refuses, with its reasons.
func unmappedSortKind(typ string) (sortKind, *wire.EsError) {
	switch typ {
	case "long", "integer", "short", "byte", "date", "date_nanos", "boolean":
		return sortByInteger, nil
	case "double", "float", "half_float":
		return sortByNumber, nil
	case "keyword", "ip", "join", "flattened", "integer_range", "long_range", "float_range", "double_range", "date_range", "ip_range":
		return sortByString, nil
	case "text":
		return 0, errTextSort(anonymousField)
	case "object", "nested":
		return 0, wire.ErrIllegalArgument("Mapper for type [%s] must be a leaf field", typ)
	case "binary":
		return 0, wire.ErrIllegalArgument("Can't load fielddata on [%s] because fielddata is unsupported on fields of type [binary]. Use doc values instead.", anonymousField)
	case "geo_point":
		return 0, wire.ErrIllegalArgument("can't sort on geo_point field without using specific sorting feature, like geo_distance")
	case "completion":
		return 0, wire.ErrIllegalArgument("Fielddata is not supported on field [%s] of type [completion]", anonymousField)
	case "alias":
		return 0, wire.NewError(http.StatusBadRequest, "mapper_parsing_exception", "The [path] property must be specified for field [%s].", anonymousField)
	}
	return 0, wire.ErrIllegalArgument("No mapper found for type [%s]", typ)
}

func errTextSort(field string) *wire.EsError {
	return wire.ErrIllegalArgument("Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default. Please use a keyword field instead. Alternatively, set fielddata=true on [%s] in order to load field data by uninverting the inverted index. Note that this can use significant memory.", field)
}

// isNumeric says whether the field sorts by number values (missing is then a number).
func (sf *SortField) isNumeric() bool {
	switch sf.Kind {
	case sortByNumber, sortByInteger, sortBySeqNo, sortByVersion:
		return true
	}
	return false
}

// checkSortMode refuses the modes that only make sense on numbers for other fields.
func checkSortMode(sf *SortField) *wire.EsError {
	if !sf.isNumeric() && slices.Contains([]string{"sum", "avg", "median"}, sf.mode) {
		return wire.ErrQueryShard("we only support AVG, MEDIAN and SUM on number based fields")
	}
	return nil
}
