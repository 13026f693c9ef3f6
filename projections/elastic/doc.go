// Package elastic writes the search read model through the go-elasticsearch client: the
// index and alias admin, a batching bulk writer, and the projector that turns plan
// events into bulk actions. It speaks only plain REST calls that Elasticsearch 7.17, 8.x
// and the embedded engine (package esengine) all accept, so one code path serves every
// deployment.
package elastic
