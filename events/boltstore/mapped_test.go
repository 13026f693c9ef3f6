package boltstore_test

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/planstore/planstore/events/boltstore"
	"github.com/planstore/planstore/events/storetest"
)

// TestReleasedMappedPagesReadTheSame: after ReleaseMappedPages every read answers as
// before (the pages fault back in from the file), also while appends grow the file and
// make bbolt remap it under the release.
func TestReleasedMappedPagesReadTheSame(t *testing.T) {
	ctx := context.Background()
	s, err := boltstore.Open(t.TempDir(), storetest.NewCodec(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	appendPlans := func(prefix string, n int) {
		for i := range n {
			if err := s.Append(ctx, storetest.CreateCommit(storetest.NewPlan(fmt.Sprintf("%s-%d", prefix, i), i))); err != nil {
				t.Error(err)
				return
			}
		}
	}
	appendPlans("before", 200)
	before, err := s.ReadLog(ctx, 0, "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	snapBefore, err := s.Load(ctx, "before-7")
	if err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	wg.Go(func() { appendPlans("during", 300) })
	for range 20 {
		if err := s.ReleaseMappedPages(); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()

	after, err := s.ReadLog(ctx, 0, "", 200)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, after) {
		t.Fatal("the log reads differently after its pages were released")
	}
	snapAfter, err := s.Load(ctx, "before-7")
	if err != nil || !reflect.DeepEqual(snapBefore, snapAfter) {
		t.Fatalf("snapshot after release: %+v, %v; before: %+v", snapAfter, err, snapBefore)
	}
	all, err := s.ReadLog(ctx, 0, "", 1000)
	if err != nil || len(all) != 500 {
		t.Fatalf("read %d entries, %v; want 500", len(all), err)
	}
}
