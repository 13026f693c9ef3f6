// Package console is the admin console at /admin: server-rendered pages and one small
// script, embedded in the binary, so the console works offline and under a strict
// Content-Security-Policy. The pages carry no data: the script calls the /v1 API with
// the signed-in caller's bearer token (kept in sessionStorage, never in a URL or a
// cookie), so every read and action goes through the same command and query handlers,
// scopes and tenancy as any other client.
package console

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// ContentSecurityPolicy allows nothing but this origin's own script, style and API: no
// inline script, no eval, no frames, no third-party anything.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// Config configures the console.
type Config struct {
	Logger *slog.Logger
	// Auth is the server's token mode: dev (paste a token), oidc (sign in with the
	// provider; authorization code with PKCE) or off.
	Auth string
	// OIDC is the provider for Auth oidc; nil otherwise.
	OIDC *OIDCConfig
	// Version is shown in the footer.
	Version string
}

// page is one console page.
type page struct {
	Path, Name, Title string
}

var pages = []page{
	{"/admin/", "system", "System"},
	{"/admin/dead-letters", "deadletters", "Dead letters"},
	{"/admin/replay", "replay", "Replay"},
	{"/admin/plans", "plans", "Plans"},
	{"/admin/search", "search", "Search"},
}

// Console serves /admin.
type Console struct {
	cfg    Config
	tmpl   *template.Template
	static http.Handler
	oidc   *oidcFlow
}

// New parses the embedded templates.
func New(cfg Config) (*Console, error) {
	if cfg.Logger == nil {
		return nil, errors.New("console: logger required")
	}
	tmpl, err := template.ParseFS(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	sub, err := fs.Sub(staticFiles, "static")
	if err != nil {
		return nil, err
	}
	c := &Console{cfg: cfg, tmpl: tmpl, static: http.StripPrefix("/admin/static/", http.FileServerFS(sub))}
	if cfg.Auth == "oidc" {
		if cfg.OIDC == nil || cfg.OIDC.ClientID == "" {
			cfg.Logger.Warn("admin console: --auth oidc without --oidc-client-id; console sign-in takes a pasted token")
		} else {
			c.oidc = newOIDCFlow(*cfg.OIDC, cfg.Logger)
		}
	}
	return c, nil
}

// ServeHTTP implements http.Handler.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	path := r.URL.Path
	switch {
	case path == "/admin":
		http.Redirect(w, r, "/admin/", http.StatusFound)
	case strings.HasPrefix(path, "/admin/static/"):
		h.Set("Cache-Control", "no-cache")
		c.static.ServeHTTP(w, r)
	case path == "/admin/signin":
		c.render(w, r, page{Path: path, Name: "signin", Title: "Sign in"}, nil)
	case path == "/admin/oidc/login" && c.oidc != nil:
		c.oidc.login(w, r)
	case path == "/admin/oidc/callback" && c.oidc != nil:
		token, err := c.oidc.callback(w, r)
		if err != nil {
			c.cfg.Logger.Warn("admin console: oidc sign-in failed", slog.Any("error", err))
			c.renderStatus(w, http.StatusBadRequest, page{Path: path, Name: "signin", Title: "Sign in"}, map[string]string{"Error": err.Error()})
			return
		}
		h.Set("Cache-Control", "no-store")
		c.render(w, r, page{Path: path, Name: "signedin", Title: "Signed in"}, map[string]string{"Token": token})
	default:
		for _, p := range pages {
			if p.Path == path {
				c.render(w, r, p, nil)
				return
			}
		}
		http.NotFound(w, r)
	}
}

type view struct {
	Page    page
	Pages   []page
	Auth    string
	OIDC    bool
	Version string
	Data    map[string]string
}

func (c *Console) render(w http.ResponseWriter, _ *http.Request, p page, data map[string]string) {
	c.renderStatus(w, http.StatusOK, p, data)
}

func (c *Console) renderStatus(w http.ResponseWriter, status int, p page, data map[string]string) {
	var buf bytes.Buffer
	err := c.tmpl.ExecuteTemplate(&buf, p.Name+".html", view{
		Page: p, Pages: pages, Auth: c.cfg.Auth, OIDC: c.oidc != nil, Version: c.cfg.Version, Data: data,
	})
	if err != nil {
		c.cfg.Logger.Error("admin console: render", slog.String("page", p.Name), slog.Any("error", err))
		http.Error(w, "console page failed to render", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
