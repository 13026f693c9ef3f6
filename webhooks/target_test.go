package webhooks

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestCheckURL(t *testing.T) {
	targets, err := NewTargets(DefaultDenied)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{
		"ftp://example.com/x", "example.com/hook", "https://user:pw@example.com/", "https:///nohost",
		"http://127.0.0.1:8080/", "http://[::1]/", "http://10.1.2.3/", "http://169.254.169.254/latest/meta-data",
		"https://example.com/#frag", "https://\u00cf/", "https://example.com/a b",
	} {
		var invalid *InvalidError
		if err := targets.CheckURL(bad); !errors.As(err, &invalid) {
			t.Errorf("%s accepted (%v)", bad, err)
		}
	}
	for _, good := range []string{"https://example.com/hooks", "http://hooks.example.com:8080/x?y=1"} {
		if err := targets.CheckURL(good); err != nil {
			t.Errorf("%s refused: %v", good, err)
		}
	}
}

// The deny-list applies after DNS, at connection time: "localhost" passes the URL check
// (it is a name) but the connection to 127.0.0.1 is refused.
func TestDeniedAddressIsRefusedAtConnect(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	defer srv.Close()
	targets, _ := NewTargets(DefaultDenied)
	url := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	if err := targets.CheckURL(url); err != nil {
		t.Fatalf("a name is refused before resolution: %v", err)
	}
	resp, err := targets.Client(5*time.Second).Post(url, "application/json", nil)
	if err == nil {
		_ = resp.Body.Close()
	}
	if !errors.Is(err, ErrDeniedAddress) {
		t.Fatalf("connection to loopback: %v, want ErrDeniedAddress", err)
	}
}

func TestRedirectToAnotherHostIsRefused(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	defer other.Close()
	first := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/same" {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		target := other.URL + "/elsewhere"
		if r.URL.Path == "/local" {
			target = "/same"
		}
		http.Redirect(w, r, target, http.StatusTemporaryRedirect)
	}))
	defer first.Close()
	targets, _ := NewTargets(nil)
	client := targets.Client(5 * time.Second)
	away, err := client.Post(first.URL+"/away", "application/json", strings.NewReader("{}"))
	if err == nil {
		_ = away.Body.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "another host") {
		t.Fatalf("redirect to another host: %v", err)
	}
	resp, err := client.Post(first.URL+"/local", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatalf("redirect on the same host: %v", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("redirect on the same host ended with %d", resp.StatusCode)
	}
}
