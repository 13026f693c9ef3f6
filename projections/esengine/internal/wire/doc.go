// Package wire is the Elasticsearch wire format the engine answers in: errors with the
// types, metadata and causes Elasticsearch 7.17 gives them, JSON output that keeps its
// keys in order, and the JSON values documents and queries are read into.
package wire
