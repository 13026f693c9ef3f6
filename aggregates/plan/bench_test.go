package plan

import (
	"encoding/json"
	"testing"

	"github.com/planstore/planstore/aggregates/plan/exampleplan"
)

func BenchmarkDecodeValidate(b *testing.B) { benchRead(b, exampleplan.JSON(), true, Decode) }

func BenchmarkDecodeValidate1000Services(b *testing.B) {
	benchRead(b, withServices(b, 1000), true, Decode)
}

func BenchmarkDecodeInvalid(b *testing.B) {
	benchRead(b, exampleWith(b, edit{"planType", 1}, edit{"planCostShares.copay", -1}, edit{"extra", true}), false, Decode)
}

// BenchmarkParseStrict is the JSON reading alone (jsonscan's tokens, the tree), the
// part of a decode that the JSON grammar decides.
func BenchmarkParseStrict(b *testing.B) { benchRead(b, exampleplan.JSON(), true, parseStrict) }

func BenchmarkParseStrict1000Services(b *testing.B) {
	benchRead(b, withServices(b, 1000), true, parseStrict)
}

// benchRead reads body over and over, failing if the outcome is not the expected one.
func benchRead[T any](b *testing.B, body []byte, valid bool, read func([]byte) (T, error)) {
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := read(body); (err == nil) != valid {
			b.Fatalf("valid %v: %v", valid, err)
		}
	}
}

var benchPatch = []byte(`{"planType":"outOfNetwork","linkedPlanServices":[{"objectId":"27283xvx9sdf-507","planserviceCostShares":{"objectId":"1234512xvc1314sdfsd-506","copay":200}}]}`)

func BenchmarkMergePatch(b *testing.B) {
	target := exampleplan.JSON()
	b.SetBytes(int64(len(target) + len(benchPatch)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := MergePatch(target, benchPatch); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPatch is the whole PATCH decision: merge, decode, validate, encode, diff.
func BenchmarkPatch(b *testing.B) {
	a := New(exampleID)
	a.Apply(Change{Type: ChangeCreated, Version: 1, After: exampleplan.JSON()})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.Patch(benchPatch); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCreate is decide + apply on a decoded plan: validation of the Go value,
// canonical encoding, objectId diff and the state transition.
func BenchmarkCreate(b *testing.B) {
	p := mustDecode(b, exampleplan.JSON())
	b.ReportAllocs()
	for b.Loop() {
		a := New(exampleID)
		c, err := a.Create(p)
		if err != nil {
			b.Fatal(err)
		}
		a.Apply(c)
	}
}

func BenchmarkCanonicalEncode(b *testing.B) {
	p := mustDecode(b, exampleplan.JSON())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(p); err != nil {
			b.Fatal(err)
		}
	}
}
