package esengine

import (
	"fmt"
	"testing"
)

var actionLines = []string{
	`{"index":{"_id":"p1","routing":"p1","version":3,"version_type":"external","require_alias":true}}`,
	`{"delete":{"_id":"p1-ps1","routing":"p1","version":4,"version_type":"external"}}`,
	` { "create" : { "_index" : "plans" , "_id" : 5 } } `,
	`{"update":{}}`, `{"index":{"if_seq_no":1,"if_primary_term":"1","op_type":"create","pipeline":"_none","_type":"_doc"}}`,
	`{"index":{"_id":null}}`, `{"index":{"_source":{"x":1}}}`, `{"index":{"nope":1}}`, `{"index":{"_id":"a","_id":"b"}}`,
	`{"index":{"_id":"a\"b"}}`, `{"index":{},"delete":{}}`, `{"upsert":{}}`, `{"index":1}`, `[]`, `{"index":{"_id":"x"}`,
	`{"index":{"version":-1e3,"retry_on_conflict":false}}`, `{"index":{"_id":"x"}} {}`, `{"index":{"_id":tru}}`,
}

// describeAction renders what an action line asks for, as applyMetadata reads it.
func describeAction(action string, pairs []metaValue) string {
	out := action
	for _, p := range pairs {
		out += fmt.Sprintf(" %s=%q/%v/%s", p.key, p.raw, p.scalar, p.kind)
	}
	return out
}

func checkActionAgrees(t *testing.T, line string) bool {
	t.Helper()
	fa, fp, ok := parseActionFast([]byte(line), make([]metaValue, 0, len(bulkMetadataKeys)))
	sa, sp, err := parseActionSlow([]byte(line), 1)
	if !ok {
		return false
	}
	if err != nil {
		t.Fatalf("%s: fast lane accepted what encoding/json refuses: %v", line, err)
	}
	if got, want := describeAction(fa, fp), describeAction(sa, sp); got != want {
		t.Fatalf("%s: fast lane read\n%s\nslow path\n%s", line, got, want)
	}
	return true
}

func TestFastActionAgreesWithSlow(t *testing.T) {
	fast := 0
	for _, line := range actionLines {
		if checkActionAgrees(t, line) {
			fast++
		}
	}
	if !checkActionAgrees(t, actionLines[0]) || !checkActionAgrees(t, actionLines[1]) {
		t.Error("the writer's action lines took the slow path")
	}
	if fast < 6 {
		t.Errorf("only %d lines took the fast lane", fast)
	}
}

func FuzzFastAction(f *testing.F) {
	for _, line := range actionLines {
		f.Add(line)
	}
	f.Fuzz(func(t *testing.T, line string) { checkActionAgrees(t, line) })
}
