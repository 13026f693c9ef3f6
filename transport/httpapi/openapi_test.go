package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/planstore/planstore/aggregates/plan"
	"github.com/planstore/planstore/commands"
	"github.com/planstore/planstore/events"
	"github.com/planstore/planstore/imports"
	"github.com/planstore/planstore/queries"
	"github.com/planstore/planstore/queries/search"
	"github.com/planstore/planstore/tenancy"
	"github.com/planstore/planstore/transport/auth"
	"github.com/planstore/planstore/transport/messaging"
	"github.com/planstore/planstore/transport/messaging/audit"
	"github.com/planstore/planstore/transport/presence"
)

// openAPIDoc is the part of the OpenAPI document these tests read.
type openAPIDoc struct {
	OpenAPI    string                                `json:"openapi"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas  map[string]openAPISchema `json:"schemas"`
		Examples map[string]struct {
			Value json.RawMessage `json:"value"`
		} `json:"examples"`
		Parameters map[string]struct {
			Schema map[string]any `json:"schema"`
		} `json:"parameters"`
		Responses map[string]struct {
			Headers map[string]any `json:"headers"`
		} `json:"responses"`
	} `json:"components"`
}

type openAPIOperation struct {
	Security  []map[string][]string      `json:"security"`
	Responses map[string]json.RawMessage `json:"responses"`
}

type openAPISchema struct {
	Required             []string                   `json:"required"`
	Properties           map[string]json.RawMessage `json:"properties"`
	AdditionalProperties *bool                      `json:"additionalProperties"`
}

// httpMethods are the operation keys of an OpenAPI path item; other keys ("parameters",
// "summary"...) describe the path, not an operation.
var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

func loadOpenAPI(t *testing.T) openAPIDoc {
	t.Helper()
	var doc openAPIDoc
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %v", err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	return doc
}

// documentedOperations lists "METHOD path" for every operation of the document.
func (d openAPIDoc) documentedOperations() map[string]openAPIOperation {
	ops := map[string]openAPIOperation{}
	for path, item := range d.Paths {
		for key, raw := range item {
			if !slices.Contains(httpMethods, key) {
				continue
			}
			var op openAPIOperation
			if err := json.Unmarshal(raw, &op); err != nil {
				panic(fmt.Sprintf("%s %s: %v", key, path, err))
			}
			ops[strings.ToUpper(key)+" "+path] = op
		}
	}
	return ops
}

// routedOperations walks the router and lists "METHOD template" for every route.
func routedOperations(t *testing.T, r *mux.Router) map[string]bool {
	t.Helper()
	ops := map[string]bool{}
	err := r.Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		if route.GetHandler() == nil {
			return nil // a PathPrefix that only holds a subrouter
		}
		tpl, err := route.GetPathTemplate()
		if err != nil {
			return err
		}
		methods, err := route.GetMethods()
		if err != nil {
			return fmt.Errorf("%s answers every method, which the document cannot describe: %w", tpl, err)
		}
		for _, m := range methods {
			ops[m+" "+tpl] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ops
}

func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	doc := loadOpenAPI(t)
	routed := routedOperations(t, newFullServer(t).router)
	documented := doc.documentedOperations()
	if len(routed) == 0 {
		t.Fatal("the router has no routes")
	}
	for op := range routed {
		if _, ok := documented[op]; !ok {
			t.Errorf("route %s is not in openapi.json", op)
		}
	}
	for op := range documented {
		if !routed[op] {
			t.Errorf("openapi.json describes %s, which the router does not serve", op)
		}
	}
	routedPaths := map[string]bool{}
	for op := range routed {
		_, path, _ := strings.Cut(op, " ")
		routedPaths[path] = true
	}
	for path := range doc.Paths {
		if !routedPaths[path] {
			t.Errorf("openapi.json has path %s, which the router does not serve", path)
		}
	}
}

// TestOpenAPISecurityMatchesTheRouter sends each documented operation without a token,
// with every scope but the documented one, and with just the documented one: the router
// must enforce exactly what the document says.
func TestOpenAPISecurityMatchesTheRouter(t *testing.T) {
	srv := newFullServer(t)
	for op, spec := range loadOpenAPI(t).documentedOperations() {
		method, path, _ := strings.Cut(op, " ")
		target := strings.NewReplacer("{id}", "12xvxc345ssdsds-508", "{job}", "job-1").Replace(path)
		if len(spec.Security) == 0 {
			if got := serve(srv, method, target, ""); got.Code == http.StatusUnauthorized || got.Code == http.StatusForbidden {
				t.Errorf("%s: documented without security, answered %d without a token", op, got.Code)
			}
			continue
		}
		scopes := spec.Security[0]["bearerAuth"]
		if len(spec.Security) != 1 || len(scopes) == 0 {
			t.Errorf("%s: security %v, want one bearerAuth requirement naming its scopes", op, spec.Security)
			continue
		}
		for _, code := range []string{"401", "403"} {
			if _, ok := spec.Responses[code]; !ok {
				t.Errorf("%s: secured but %s is not documented", op, code)
			}
		}
		if got := serve(srv, method, target, ""); got.Code != http.StatusUnauthorized {
			t.Errorf("%s without a token: %d, want 401", op, got.Code)
		}
		// Every listed scope is needed: a token missing any one of them is refused.
		for _, needed := range scopes {
			others := slices.DeleteFunc(auth.AllScopes(), func(s string) bool { return s == needed })
			if got := serve(srv, method, target, tokenFor(others...)); got.Code != http.StatusForbidden {
				t.Errorf("%s with %v but not %s: %d, want 403", op, others, needed, got.Code)
			}
		}
		if got := serve(srv, method, target, tokenFor(scopes...)); got.Code == http.StatusUnauthorized || got.Code == http.StatusForbidden {
			t.Errorf("%s with the documented scopes %v: %d", op, scopes, got.Code)
		}
	}
}

// The plan schemas must describe exactly the members the decoder accepts, all required
// (Decode refuses a missing one) and nothing else (it refuses unknown members).
func TestOpenAPIPlanSchemasMatchTheDocumentTypes(t *testing.T) {
	schemas := loadOpenAPI(t).Components.Schemas
	for name, typ := range map[string]reflect.Type{
		"Plan":            reflect.TypeFor[plan.Plan](),
		"MemberCostShare": reflect.TypeFor[plan.MemberCostShare](),
		"PlanService":     reflect.TypeFor[plan.PlanService](),
		"Service":         reflect.TypeFor[plan.Service](),
	} {
		s, ok := schemas[name]
		if !ok {
			t.Errorf("no schema %s", name)
			continue
		}
		var members []string
		for f := range typ.Fields() {
			if n, _, _ := strings.Cut(f.Tag.Get("json"), ","); n != "" && n != "-" {
				members = append(members, n)
			}
		}
		sort.Strings(members)
		props := make([]string, 0, len(s.Properties))
		for p := range s.Properties {
			props = append(props, p)
		}
		sort.Strings(props)
		required := slices.Sorted(slices.Values(s.Required))
		if !slices.Equal(props, members) {
			t.Errorf("%s: properties %v, the decoder accepts %v", name, props, members)
		}
		if !slices.Equal(required, members) {
			t.Errorf("%s: required %v, the decoder requires %v", name, required, members)
		}
		if s.AdditionalProperties == nil || *s.AdditionalProperties {
			t.Errorf("%s: additionalProperties must be false: unknown members are refused", name)
		}
	}
}

// The example plan of the document must pass the server's own validation.
func TestOpenAPIPlanExampleIsValid(t *testing.T) {
	ex, ok := loadOpenAPI(t).Components.Examples["Plan"]
	if !ok {
		t.Fatal("no Plan example")
	}
	if _, err := plan.Decode(ex.Value); err != nil {
		t.Fatalf("the Plan example is refused: %v", err)
	}
}

// Every local $ref must resolve, or tools reading the document fail on it.
func TestOpenAPIReferencesResolve(t *testing.T) {
	var root any
	if err := json.Unmarshal(openAPIDocument, &root); err != nil {
		t.Fatal(err)
	}
	var walk func(v any, at string)
	walk = func(v any, at string) {
		switch v := v.(type) {
		case map[string]any:
			for k, child := range v {
				if ref, ok := child.(string); ok && k == "$ref" {
					if !resolves(root, ref) {
						t.Errorf("%s: $ref %q does not resolve", at, ref)
					}
					continue
				}
				walk(child, at+"/"+k)
			}
		case []any:
			for i, child := range v {
				walk(child, fmt.Sprintf("%s/%d", at, i))
			}
		}
	}
	walk(root, "#")
}

// resolves follows a local JSON pointer (RFC 6901) such as #/components/schemas/Plan.
func resolves(root any, ref string) bool {
	pointer, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return false
	}
	cur := root
	for _, tok := range strings.Split(pointer, "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		obj, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if cur, ok = obj[tok]; !ok {
			return false
		}
	}
	return true
}

func serve(h http.Handler, method, target, token string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// newFullServer builds the server with every optional part present, so every route is
// registered. The parts are doubles that fail every call with a not-found error: these
// tests look at routing and authorization, which are decided before any part is called.
func newFullServer(t *testing.T) *Server {
	t.Helper()
	plans, err := queries.NewPlans(failingStore{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{
		Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
		Verifier:     scopeVerifier{},
		Commands:     &Commands{Create: failingCreate{}, Replace: failingReplace{}, Patch: failingPatch{}, Delete: failingDelete{}},
		Plans:        plans,
		Search:       failingSearcher{},
		Audit:        failingAudit{},
		Replay:       failingReplayer{},
		Health:       readyHealth{},
		Registry:     prometheus.NewRegistry(),
		System:       failingSystem{},
		DeadLetters:  failingDeadLetters{},
		Consumers:    []string{"projector"},
		AdminActions: failingActions{},
		Feed:         failingFeed{},
		// Subscriptions: the webhook subscriptions API (openapi_events_test.go).
		Subscriptions: failingSubscriptions{},
		Imports:       failingImporter{},
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// failingImporter routes the import endpoints; its job store knows no job.
type failingImporter struct{}

func (failingImporter) Ingest(context.Context, imports.Request) (imports.Job, error) {
	return imports.Job{}, errDouble
}
func (failingImporter) MaxBytes() int64      { return 1 << 20 }
func (failingImporter) Store() imports.Store { return failingJobs{} }

type failingJobs struct{ imports.Store }

func (failingJobs) Job(context.Context, string) (imports.Job, error) {
	return imports.Job{}, imports.ErrJobNotFound
}

// errDouble is what every double answers; it maps to 404, so nothing logs an error.
var errDouble = fmt.Errorf("test double: %w", events.ErrNotFound)

// tokenFor names a test token carrying scopes; scopeVerifier reads the scopes back.
func tokenFor(scopes ...string) string {
	return "scopes." + strings.NewReplacer(":", "-").Replace(strings.Join(scopes, "."))
}

type scopeVerifier struct{}

func (scopeVerifier) Verify(_ context.Context, raw string) (auth.Principal, error) {
	rest, ok := strings.CutPrefix(raw, "scopes.")
	if !ok {
		return auth.Principal{}, fmt.Errorf("unknown test token: %w", auth.ErrInvalidToken)
	}
	var scopes []string
	for _, s := range strings.Split(rest, ".") {
		if s != "" {
			scopes = append(scopes, strings.Replace(s, "-", ":", 1))
		}
	}
	slices.Sort(scopes)
	// As the real verifiers do: the operator scope crosses organisations.
	access := tenancy.ForOrgs(auth.DefaultOrgName)
	if slices.Contains(scopes, auth.ScopeOperator) {
		access = tenancy.Operator(auth.DefaultOrgName)
	}
	return auth.Principal{Subject: "openapi-test", Scopes: scopes, Access: access}, nil
}

// One double per command: their Handle methods differ only in the command type.
type (
	failingCreate  struct{}
	failingReplace struct{}
	failingPatch   struct{}
	failingDelete  struct{}
)

func (failingCreate) Handle(context.Context, commands.CreatePlan) (commands.Result, error) {
	return commands.Result{}, errDouble
}

func (failingReplace) Handle(context.Context, commands.ReplacePlan) (commands.Result, error) {
	return commands.Result{}, errDouble
}

func (failingPatch) Handle(context.Context, commands.PatchPlan) (commands.Result, error) {
	return commands.Result{}, errDouble
}

func (failingDelete) Handle(context.Context, commands.DeletePlan) (commands.Result, error) {
	return commands.Result{}, errDouble
}

type failingStore struct{}

func (failingStore) Load(context.Context, string) (events.Snapshot, error) {
	return events.Snapshot{}, errDouble
}

func (failingStore) Events(context.Context, string) ([]events.Envelope, error) {
	return nil, errDouble
}

type failingSearcher struct{}

func (failingSearcher) Search(context.Context, search.Request) (json.RawMessage, error) {
	return nil, errDouble
}

type failingReplayer struct{}

func (failingReplayer) Start(context.Context) (string, error) { return "", errDouble }
func (failingReplayer) Status(string) (any, bool, bool)       { return nil, false, false }

type readyHealth struct{}

func (readyHealth) Ready(context.Context) (bool, any) {
	return true, map[string]string{"status": "ready"}
}

type failingAudit struct{}

func (failingAudit) ForHistory(context.Context, string, []events.Envelope) ([]audit.Entry, error) {
	return nil, errDouble
}

func (failingAudit) RecordOperatorAccess(context.Context, string, string, string) error { return nil }

func (failingAudit) OperatorAccesses(context.Context) ([]audit.Entry, error) { return nil, errDouble }

type failingSystem struct{}

func (failingSystem) Instances(context.Context) ([]presence.Instance, error) { return nil, errDouble }

type failingDeadLetters struct{}

func (failingDeadLetters) List(context.Context, string, int) ([]messaging.DeadLetter, error) {
	return nil, errDouble
}

func (failingDeadLetters) Get(context.Context, string, string) (messaging.DeadLetter, error) {
	return messaging.DeadLetter{}, errDouble
}
func (failingDeadLetters) Redeliver(context.Context, string, string) error { return errDouble }
func (failingDeadLetters) Discard(context.Context, string, string) error   { return errDouble }

type failingActions struct{}

func (failingActions) Record(context.Context, AdminAction) error { return errDouble }
func (failingActions) Recent(context.Context, int) ([]AdminAction, error) {
	return nil, errDouble
}
