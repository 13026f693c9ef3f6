package elastic

import (
	"testing"
)

var bulkAnswers = []struct {
	body string
	sent int
}{
	{`{"took":3,"errors":false,"items":[{"index":{"_index":"p","_type":"_doc","_id":"a","_version":2,"result":"created","forced_refresh":true,"_shards":{"total":2,"successful":1,"failed":0},"_seq_no":0,"_primary_term":1,"status":201}}]}`, 1},
	{`{"took":3,"errors":false,"items":[{"index":{"_id":"a","status":201}},{"delete":{"_id":"b","status":404,"result":"not_found"}}]}`, 2},
	{` { "took" : 0 , "errors" : false , "items" : [ ] } `, 0},
	{`{"took":3,"errors":false,"items":[{"index":{"_id":"a","status":201}}]}`, 2},
	{`{"took":3,"errors":true,"items":[{"index":{"_id":"a","status":409,"error":{"type":"version_conflict_engine_exception","reason":"x"}}}]}`, 1},
	{`{"errors":false,"items":[{"index":{"_id":"a","status":201,"error":null}}]}`, 1},
	{`{"errors":false,"items":[{"index":{"_id":7,"status":201}}]}`, 1},
	{`{"errors":false,"items":[{"index":{"_id":"a","status":20.1}}]}`, 1},
	{`{"errors":false,"items":[{"index":{"_id":"a","status":99999999999999999999}}]}`, 1},
	{`{"errors":false,"items":[{"index":{"_id":"a","Status":"x"}}]}`, 1},
	{`{"errors":false,"items":[{"index":5}]}`, 1}, {`{"errors":false,"items":[{}]}`, 1},
	{`{"errors":false,"Errors":true,"items":[]}`, 0}, {`{"errors":false,"errors":true,"items":[]}`, 0},
	{`{"errors":false,"items":[]} x`, 0}, {`{"errors":false,"items":[],}`, 0}, {`{"items":[]}`, 0},
	{`{"errors":false,"items":[{"index":{"_id":"a\u0041","status":-0}}]}`, 1},
	{`{"errors":false,"items":[{"index":{"_id":"a","status":01}}]}`, 1},
}

// allSucceeded must only ever say what decoding the answer says.
func checkAnswer(t *testing.T, body string, sent int) bool {
	t.Helper()
	if !allSucceeded([]byte(body), sent) {
		return false
	}
	out, err := decodeOutcomes([]byte(body), sent)
	if err != nil {
		t.Fatalf("%s: fast check accepted an answer decoding refuses: %v", body, err)
	}
	for _, e := range out {
		if e != nil {
			t.Fatalf("%s: fast check accepted an answer with a failed item: %v", body, e)
		}
	}
	return true
}

func TestAllSucceededAgreesWithDecoding(t *testing.T) {
	fast := 0
	for _, a := range bulkAnswers {
		if checkAnswer(t, a.body, a.sent) {
			fast++
		}
	}
	if fast != 4 {
		t.Errorf("%d answers took the fast check, want 4", fast)
	}
}

func FuzzAllSucceeded(f *testing.F) {
	for _, a := range bulkAnswers {
		f.Add(a.body, a.sent)
	}
	f.Fuzz(func(t *testing.T, body string, sent int) { checkAnswer(t, body, sent) })
}
