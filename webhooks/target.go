package webhooks

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// DefaultDenied are the address ranges a webhook may not reach unless configured
// otherwise: loopback, private (RFC 1918, unique local), link-local (cloud metadata
// services live at 169.254.169.254), carrier-grade NAT, unspecified and multicast. A
// subscription must not become a way into the services beside planstore.
var DefaultDenied = []string{
	"127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7",
	"169.254.0.0/16", "fe80::/10", "100.64.0.0/10", "0.0.0.0/8", "::/128", "224.0.0.0/4", "ff00::/8",
}

// Targets checks and reaches subscribers' URLs.
type Targets struct {
	denied []netip.Prefix
}

// NewTargets denies the given CIDR ranges (nil: none, for tests on loopback).
func NewTargets(deny []string) (*Targets, error) {
	t := &Targets{}
	for _, c := range deny {
		p, err := netip.ParsePrefix(strings.TrimSpace(c))
		if err != nil {
			return nil, fmt.Errorf("webhooks: deny-list entry %q: %w", c, err)
		}
		t.denied = append(t.denied, p.Masked())
	}
	return t, nil
}

// ErrDeniedAddress: the target resolves to an address of the deny-list.
var ErrDeniedAddress = errors.New("webhooks: target address is denied")

// CheckURL refuses what can never be a webhook target: a scheme other than http or
// https, credentials in the URL, a missing host, a fragment, or a literal address in
// the deny-list. Names are checked again at every connection (see Client), since DNS
// can answer differently later.
func (t *Targets) CheckURL(raw string) error {
	if i := strings.IndexFunc(raw, notURIChar); i >= 0 {
		return &InvalidError{Field: "url", Reason: fmt.Sprintf("has a character a URI cannot hold at byte %d (write a non-ASCII host in punycode, percent-encode the rest)", i)}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return &InvalidError{Field: "url", Reason: "is not a URL"}
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return &InvalidError{Field: "url", Reason: "scheme must be http or https"}
	case u.Host == "" || u.Hostname() == "":
		return &InvalidError{Field: "url", Reason: "has no host"}
	case u.User != nil:
		return &InvalidError{Field: "url", Reason: "must not carry credentials"}
	case u.Fragment != "":
		return &InvalidError{Field: "url", Reason: "must not have a fragment"}
	case len(raw) > 2048:
		return &InvalidError{Field: "url", Reason: "is longer than 2048 characters"}
	}
	if addr, err := netip.ParseAddr(strings.Trim(u.Hostname(), "[]")); err == nil && t.denies(addr) {
		return &InvalidError{Field: "url", Reason: "points at a denied address range"}
	}
	return nil
}

// notURIChar: RFC 3986 allows only unreserved, reserved and '%' characters.
func notURIChar(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return false
	case strings.ContainsRune("-._~:/?#[]@!$&'()*+,;=%", r):
		return false
	}
	return true
}

func (t *Targets) denies(addr netip.Addr) bool {
	addr = addr.Unmap()
	for _, p := range t.denied {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// Client is the HTTP client deliveries use: every connection's address is checked
// against the deny-list after DNS resolution (so a name that later resolves to an
// internal address is refused), no proxy from the environment, and a redirect is
// followed only to the same scheme and host, at most 3 times.
func (t *Targets) Client(timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, Control: t.control}
	transport := &http.Transport{
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
	}
	return &http.Client{
		Transport: transport,
		Timeout:   timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 {
				return errors.New("webhooks: more than 3 redirects")
			}
			first := via[0].URL
			if req.URL.Scheme != first.Scheme || req.URL.Host != first.Host {
				return fmt.Errorf("webhooks: redirect to another host (%s) refused", req.URL.Host)
			}
			return nil
		},
	}
}

// control runs after resolution, just before connecting.
func (t *Targets) control(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return err
	}
	if t.denies(addr) {
		return fmt.Errorf("%w: %s", ErrDeniedAddress, addr)
	}
	return nil
}
