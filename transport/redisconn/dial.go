// Package redisconn is the one place planstore dials Redis: every role, the relay
// lease, the audit log and the command-line tools get their client here, a single-node
// client or a Redis Cluster client behind one redis.UniversalClient. It also says which
// Redis errors are transient (a failover, a resharding) and runs writes that must reach
// a replica before they count (WAIT).
package redisconn

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/redis/go-redis/v9"
)

// Dial connects to the Redis named by rawURL and checks that it answers. The URL forms:
//
//	redis://[user:pass@]host:port[/db]                     one server
//	redis://[user:pass@]host1:port1,host2:port2,...[/0]    a cluster, from these seeds
//	redis://[user:pass@]host1:port1?addr=host2:port2&...    a cluster (go-redis's form)
//
// (rediss:// for TLS, and go-redis's query options, e.g. dial_timeout, in every form.) A
// single-server URL whose node reports cluster_enabled:1 gets the cluster client too,
// so one seed is enough. A cluster has only database 0: another database is refused.
//
// Reads always go to the master of a slot (no ReadOnly, RouteByLatency or
// RouteRandomly), so a GET after an acknowledged write sees it.
func Dial(ctx context.Context, rawURL string) (redis.UniversalClient, error) {
	u, err := parse(rawURL)
	if err != nil {
		return nil, err
	}
	if u.cluster() {
		return dialCluster(ctx, u)
	}
	opts, err := redis.ParseURL(u.single())
	if err != nil {
		return nil, fmt.Errorf("redis URL: %w", err)
	}
	opts.ContextTimeoutEnabled = true // see dialCluster
	// Probe on database 0: a cluster node refuses SELECT of any other, before INFO could
	// tell why.
	probeOpts := *opts
	probeOpts.DB = 0
	probe := redis.NewClient(&probeOpts)
	if err := probe.Ping(ctx).Err(); err != nil {
		return nil, errors.Join(fmt.Errorf("ping: %w", err), probe.Close())
	}
	isCluster := clusterEnabled(ctx, probe)
	if !isCluster && opts.DB == 0 {
		return probe, nil
	}
	if err := probe.Close(); err != nil {
		return nil, fmt.Errorf("close probe client: %w", err)
	}
	if isCluster {
		// A node of a cluster: the plain client would only reach its own slots.
		if opts.DB != 0 {
			return nil, fmt.Errorf("redis URL names database %d, but %s is a Redis Cluster node and a cluster has only database 0", opts.DB, opts.Addr)
		}
		return dialCluster(ctx, u)
	}
	client := redis.NewClient(opts)
	if err := client.Ping(ctx).Err(); err != nil {
		return nil, errors.Join(fmt.Errorf("ping: %w", err), client.Close())
	}
	return client, nil
}

func dialCluster(ctx context.Context, u *seedURL) (redis.UniversalClient, error) {
	if u.db != "" && u.db != "0" {
		return nil, fmt.Errorf("redis URL names database %s, but a Redis Cluster has only database 0", u.db)
	}
	opts, err := redis.ParseClusterURL(u.clusterForm())
	if err != nil {
		return nil, fmt.Errorf("redis cluster URL: %w", err)
	}
	// Writes and reads on the slot's master only: read-your-writes.
	opts.ReadOnly, opts.RouteByLatency, opts.RouteRandomly = false, false, false
	// A caller's deadline bounds the socket reads and writes too, not only the wait for a
	// connection: the store's retry window must end a request stuck on a dead master's
	// connection, or a write meant to answer 503 within the window hangs for the client's
	// dial and read timeouts first.
	opts.ContextTimeoutEnabled = true
	client := redis.NewClusterClient(opts)
	if err := client.Ping(ctx).Err(); err != nil {
		return nil, errors.Join(fmt.Errorf("ping cluster: %w", err), client.Close())
	}
	return client, nil
}

// clusterEnabled reports whether the server runs in cluster mode. A server that denies
// INFO (an ACL, a managed service) is taken as a single server, as before.
func clusterEnabled(ctx context.Context, client *redis.Client) bool {
	info, err := client.Info(ctx, "cluster").Result()
	return err == nil && strings.Contains(info, "cluster_enabled:1")
}

// seedURL is a Redis URL taken apart by hand, since net/url refuses a host list.
type seedURL struct {
	scheme, userinfo string // userinfo keeps its '@'
	seeds            []string
	db               string // the path without its '/', "" if none
	query            url.Values
}

func parse(raw string) (*seedURL, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok || (scheme != "redis" && scheme != "rediss") {
		return nil, errors.New("redis URL: want redis://host:port[,host:port...][/db] or rediss://")
	}
	u := &seedURL{scheme: scheme}
	authority, tail := rest, ""
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		authority, tail = rest[:i], rest[i:]
	}
	hosts := authority
	if i := strings.LastIndex(authority, "@"); i >= 0 {
		u.userinfo, hosts = authority[:i+1], authority[i+1:]
	}
	for _, h := range strings.Split(hosts, ",") {
		if h = strings.TrimSpace(h); h != "" {
			u.seeds = append(u.seeds, h)
		}
	}
	if len(u.seeds) == 0 {
		return nil, errors.New("redis URL names no host")
	}
	path, rawQuery, _ := strings.Cut(tail, "?")
	u.db = strings.TrimPrefix(path, "/")
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, fmt.Errorf("redis URL query: %w", err)
	}
	u.query = q
	return u, nil
}

func (u *seedURL) cluster() bool { return len(u.seeds) > 1 || u.query.Has("addr") }

// single is the URL of one server, as redis.ParseURL takes it.
func (u *seedURL) single() string {
	s := u.scheme + "://" + u.userinfo + u.seeds[0]
	if u.db != "" {
		s += "/" + u.db
	}
	if len(u.query) > 0 {
		s += "?" + u.query.Encode()
	}
	return s
}

// clusterForm is go-redis's cluster URL: the first seed as host, the others as addr=.
func (u *seedURL) clusterForm() string {
	q := url.Values{}
	for k, v := range u.query {
		q[k] = append([]string(nil), v...)
	}
	for _, s := range u.seeds[1:] {
		q.Add("addr", s)
	}
	s := u.scheme + "://" + u.userinfo + u.seeds[0]
	if len(q) > 0 {
		s += "?" + q.Encode()
	}
	return s
}
