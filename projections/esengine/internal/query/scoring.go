package query

import (
	"math"
	"math/bits"

	"github.com/planstore/planstore/projections/esengine/internal/index"
)

// BM25 as Lucene 8 (Elasticsearch 7.x) computes it, including the (k1 + 1) factor that
// Lucene 9 dropped; the 7.17 cluster the conformance suite runs against is the
// reference. Scores still differ from a cluster's in the last digits and whenever
// Lucene's statistics count deleted documents not yet merged away, which an in-memory
// index never has: ids, totals and orders agree, _score values may not.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// idf is Lucene's BM25 inverse document frequency.
func idf(docCount, docFreq uint64) float64 {
	return math.Log(1 + (float64(docCount)-float64(docFreq)+0.5)/(float64(docFreq)+0.5))
}

// keywordTermScore scores a keyword-like term (no norms: length does not matter).
func keywordTermScore(docCount, docFreq uint64) float64 {
	return idf(docCount, docFreq) * (bm25K1 + 1) / (1 + bm25K1)
}

// textTermScore scores one term of a text field in one document. The length is the one
// Lucene keeps: a field's length is stored in one byte (its norm), exact up to 23 tokens
// and rounded down to 4 significant bits above, and BM25 reads it back from that byte.
func textTermScore(idfValue float64, freq, length int32, avgLength float64) float64 {
	norm := bm25K1 * (1 - bm25B + bm25B*float64(normLength(length))/avgLength)
	return idfValue * (bm25K1 + 1) * float64(freq) / (float64(freq) + norm)
}

// docTokenStats returns a document's frequency of token in field and the field's length.
func docTokenStats(d *index.StoredDoc, field, token string) (freq, length int32) {
	return d.TokenStats(field, token)
}

// normLength is a field length as Lucene 8 stores and reads it back:
// SmallFloat.byte4ToInt(SmallFloat.intToByte4(length)).
func normLength(length int32) int64 {
	// Lengths below numFreeValues are stored as they are; above, length-numFreeValues is
	// kept as a float of 3 mantissa bits (plus the implicit one) and a shift.
	const numFreeValues = 24
	if length < numFreeValues {
		return int64(length)
	}
	i := uint64(length - numFreeValues)
	width := 64 - bits.LeadingZeros64(i)
	if width < 4 {
		return int64(length)
	}
	shift := width - 4
	return numFreeValues + int64((i>>shift)<<shift)
}
