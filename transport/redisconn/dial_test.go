package redisconn

import (
	"context"
	"strings"
	"testing"
)

func TestParseSeedURLs(t *testing.T) {
	for _, tc := range []struct {
		raw     string
		cluster bool
		single  string
		form    string
	}{
		{raw: "redis://127.0.0.1:6379/2", single: "redis://127.0.0.1:6379/2"},
		{raw: "redis://u:p%40ss@h1:1,h2:2,h3:3/0", cluster: true,
			form: "redis://u:p%40ss@h1:1?addr=h2%3A2&addr=h3%3A3"},
		{raw: "rediss://h1:1,h2:2?dial_timeout=1s", cluster: true,
			form: "rediss://h1:1?addr=h2%3A2&dial_timeout=1s"},
		{raw: "redis://h1:1?addr=h2:2", cluster: true, form: "redis://h1:1?addr=h2%3A2"},
	} {
		u, err := parse(tc.raw)
		if err != nil {
			t.Fatalf("%s: %v", tc.raw, err)
		}
		if u.cluster() != tc.cluster {
			t.Fatalf("%s: cluster %v, want %v", tc.raw, u.cluster(), tc.cluster)
		}
		if !tc.cluster && u.single() != tc.single {
			t.Fatalf("%s: single %q, want %q", tc.raw, u.single(), tc.single)
		}
		if tc.cluster && u.clusterForm() != tc.form {
			t.Fatalf("%s: cluster form %q, want %q", tc.raw, u.clusterForm(), tc.form)
		}
	}
}

func TestDialRefusesBadURLs(t *testing.T) {
	for raw, want := range map[string]string{
		"http://h:1":          "want redis://",
		"redis://":            "names no host",
		"redis://h1:1,h2:2/3": "only database 0",
	} {
		_, err := Dial(context.Background(), raw)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("%s: error %v, want it to say %q", raw, err, want)
		}
	}
}
