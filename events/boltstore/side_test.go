package boltstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/planstore/planstore/events/boltstore"
	"github.com/planstore/planstore/events/storetest"
)

func TestSideBucketsKeepTheFirstRecordAndRefuseRecordsWithoutANameOrKey(t *testing.T) {
	ctx := context.Background()
	s, err := boltstore.Open(t.TempDir(), storetest.NewCodec(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	for name, c := range map[string]struct {
		bucket string
		rec    boltstore.SideRecord
		says   string
	}{
		"no bucket": {"", boltstore.SideRecord{Group: []byte("g"), Key: []byte("k")}, "needs a name"},
		"no group":  {"audit", boltstore.SideRecord{Key: []byte("k")}, "needs a group and a key"},
		"no key":    {"audit", boltstore.SideRecord{Group: []byte("g")}, "needs a group and a key"},
	} {
		if err := s.AddSide(ctx, c.bucket, c.rec); err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v, want an error saying %q", name, err, c.says)
		}
	}

	rec := func(key, value string) boltstore.SideRecord {
		return boltstore.SideRecord{Group: []byte("plan-1"), Key: []byte(key), Value: []byte(value)}
	}
	if err := s.AddSide(ctx, "audit", rec("b", "first"), rec("a", "one")); err != nil {
		t.Fatal(err)
	}
	if err := s.AddSide(ctx, "audit", rec("b", "second")); err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := s.SideGroup("audit", []byte("plan-1"), func(k, v []byte) error {
		got = append(got, string(k)+"="+string(v))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != "a=one b=first" {
		t.Errorf("group holds %q, want the first value of each key in key order", got)
	}
	for _, c := range []struct{ bucket, group string }{{"audit", "plan-2"}, {"other", "plan-1"}} {
		if err := s.SideGroup(c.bucket, []byte(c.group), func(k, _ []byte) error {
			t.Errorf("%s/%s holds %q", c.bucket, c.group, k)
			return nil
		}); err != nil {
			t.Errorf("%s/%s: %v", c.bucket, c.group, err)
		}
	}
}
