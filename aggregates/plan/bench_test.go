package plan

import (
	"encoding/json"
	"testing"
)

func BenchmarkDecodeValidate(b *testing.B) { benchDecode(b, examplePlan(b), true) }

func BenchmarkDecodeValidate1000Services(b *testing.B) {
	benchDecode(b, withServices(b, 1000), true)
}

func BenchmarkDecodeInvalid(b *testing.B) {
	benchDecode(b, exampleWith(b, edit{"planType", 1}, edit{"planCostShares.copay", -1}, edit{"extra", true}), false)
}

// benchDecode decodes body over and over, failing if the outcome is not the expected one.
func benchDecode(b *testing.B, body []byte, valid bool) {
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(body); (err == nil) != valid {
			b.Fatalf("valid %v: %v", valid, err)
		}
	}
}

var benchPatch = []byte(`{"planType":"outOfNetwork","linkedPlanServices":[{"objectId":"27283xvx9sdf-507","planserviceCostShares":{"objectId":"1234512xvc1314sdfsd-506","copay":200}}]}`)

func BenchmarkMergePatch(b *testing.B) {
	target := examplePlan(b)
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
	a.Apply(Change{Type: ChangeCreated, Version: 1, After: examplePlan(b)})
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
	p := mustDecode(b, examplePlan(b))
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
	p := mustDecode(b, examplePlan(b))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(p); err != nil {
			b.Fatal(err)
		}
	}
}
