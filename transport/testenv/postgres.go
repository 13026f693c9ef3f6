package testenv

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// PostgresURL is the test PostgreSQL server's URL (PLANSTORE_TEST_POSTGRES_URL, default
// postgres://postgres@127.0.0.1:5432/postgres, the Debian cluster
// deployments/test-services/with-services.sh starts).
func PostgresURL() string {
	return cmp.Or(os.Getenv("PLANSTORE_TEST_POSTGRES_URL"), "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable")
}

// Postgres creates a database of the test's own on the test server and returns its
// URL; the database is dropped when the test ends. Absent server: the test fails under
// CI=true and skips elsewhere.
func Postgres(tb testing.TB) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, PostgresURL())
	if err != nil {
		Unavailable(tb, "PostgreSQL at %s: %v", PostgresURL(), err)
		return ""
	}
	defer admin.Close(context.Background())
	name := "planstore_test_" + slug(tb.Name()) + "_" + randomHex(4)
	if len(name) > 60 {
		name = name[:51] + "_" + randomHex(4)
	}
	name = strings.ToLower(name)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		tb.Fatalf("create database %s: %v", name, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, PostgresURL())
		if err != nil {
			return
		}
		defer c.Close(ctx)
		_, _ = c.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	})
	u, err := url.Parse(PostgresURL())
	if err != nil {
		tb.Fatalf("PLANSTORE_TEST_POSTGRES_URL: %v", err)
	}
	u.Path = "/" + name
	return fmt.Sprint(u)
}
