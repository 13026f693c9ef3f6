# planstore developer tasks. `make run` starts the whole system on embedded backends;
# `make test` is what CI runs: it starts (installing if root) Redis, RabbitMQ and a local
# Elasticsearch when they are not running, then runs the Go tests and fuzz smoke.
GO        ?= go
FUZZTIME  ?= 2000x
BENCHTIME ?= 1s
PKG       := ./...

GOLANGCI_LINT_VERSION ?= v2.15.0
# The gRPC code generators, pinned so that `make proto` regenerates byte for byte what is
# committed (protoc-gen-go follows google.golang.org/protobuf in go.mod).
PROTOC_GEN_GO_VERSION      ?= v1.36.12
PROTOC_GEN_GO_GRPC_VERSION ?= v1.6.2
PROTO_DIR                  := api/planstore/v1
# grpcurl drives the gRPC session of .ci/grpcurl-session.sh.
GRPCURL_VERSION            ?= v1.9.4

.PHONY: all build run test test-go test-unit fuzz-smoke bench bench-import lint fmt test-es test-cluster test-services-stop up down clean difftest

all: lint test

build:
	$(GO) build -o bin/planstore ./cmd/planstore

run: build
	./bin/planstore serve

# The tests with every service they need (deployments/test-services/with-services.sh);
# `make test-go` runs them with whatever is already running (the rest skip).
test:
	deployments/test-services/with-services.sh $(MAKE) --no-print-directory test-go

test-go: test-unit fuzz-smoke

test-services-stop:
	deployments/test-services/stop.sh

test-unit:
	$(GO) vet $(PKG)
	$(GO) test -count=1 -timeout 20m $(PKG)

# Runs every fuzz target briefly, so CI keeps the fuzzers compiling and their seed
# corpora passing. A count, not a duration: Go's fuzzer can report a spurious "context
# deadline exceeded" when a timed run ends on a loaded machine (golang/go#75804).
# Fuzz one for longer with e.g. FUZZTIME=2000000x make fuzz-smoke.
fuzz-smoke:
	@set -e; grep -rl --include='*_test.go' '^func Fuzz' . | xargs -r -n1 dirname | sort -u | while read -r dir; do \
	  for target in $$(grep -h -o '^func Fuzz[A-Za-z0-9_]*' $$dir/*_test.go | sed 's/^func //'); do \
	    echo "fuzz $$dir $$target ($(FUZZTIME))"; \
	    $(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$dir >/dev/null || { $(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$dir; exit 1; }; \
	  done; \
	done

# The tests again with a real Elasticsearch 7.17 (fetched from Maven Central, started on
# loopback, stopped afterwards if this target started it).
test-es:
	deployments/local-es/with-es.sh $(GO) test -count=1 -timeout 10m $(PKG)

# The fault harness (deployments/README.md, "Fault harness"): Redis Cluster, RabbitMQ
# cluster and Elasticsearch cluster on loopback, planstore as 8 role processes, a steady
# load, and one fault per cluster. CLUSTER_ARGS=--quick for a shorter run.
CLUSTER_ARGS ?=
test-cluster:
	$(GO) build -o bin/clusterharness ./cmd/clusterharness
	bin/clusterharness --repo . $(CLUSTER_ARGS)

# The differential tester's long run (docs/search-fidelity.md): random plans, writes and
# searches on the embedded engine and a real Elasticsearch, divergences shrunk and
# printed. Needs PLANSTORE_TEST_ES_URL (or ES_URL). e.g.
#   make difftest CASES=20000 SEED=7 KNOWN=none
CASES ?= 5000
SEED  ?= $(shell date +%s)
KNOWN ?= default
ES_URL ?= $(PLANSTORE_TEST_ES_URL)
difftest:
	$(GO) run ./cmd/difftest -es "$(ES_URL)" -cases $(CASES) -seed $(SEED) -known $(KNOWN)

# The 100,000-plan import (1 % invalid, 1 % conflicts) against single POSTs on the same
# fresh server (docs/performance.md): embedded, or IMPORT_MODE=rabbitmq for Redis and
# RabbitMQ with two worker processes. LINES=... for another size.
IMPORT_MODE ?= embedded
bench-import:
	cmd/importbench/run.sh $(IMPORT_MODE)

bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) -count 1 $(PKG)

fmt:
	gofmt -w $$(git ls-files '*.go')

# Fails when golangci-lint is missing: a lint that silently skips its linter passes
# code that CI would refuse.
lint:
	@command -v golangci-lint >/dev/null || { echo "golangci-lint is not installed; install it with: go install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION) (it lands in $$(go env GOPATH)/bin, which must be on PATH)" >&2; exit 1; }
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet $(PKG)
	golangci-lint run $(PKG)

# Regenerates the gRPC code from $(PROTO_DIR)/*.proto (needs protoc: apt-get install
# protobuf-compiler); the generators are installed at their pinned versions.
.PHONY: proto
proto:
	@command -v protoc >/dev/null || { echo "protoc is not installed; install it with: apt-get install protobuf-compiler" >&2; exit 1; }
	GOBIN=$(CURDIR)/bin $(GO) install google.golang.org/protobuf/cmd/protoc-gen-go@$(PROTOC_GEN_GO_VERSION)
	GOBIN=$(CURDIR)/bin $(GO) install google.golang.org/grpc/cmd/protoc-gen-go-grpc@$(PROTOC_GEN_GO_GRPC_VERSION)
	PATH=$(CURDIR)/bin:$$PATH protoc --proto_path=. --fatal_warnings \
		--go_out=. --go_opt=paths=source_relative \
		--go-grpc_out=. --go-grpc_opt=paths=source_relative \
		$(PROTO_DIR)/*.proto

# The gRPC API driven with grpcurl, as CI does (PLANSTORE_ADDR picks the port).
.PHONY: grpcurl-session
grpcurl-session:
	@command -v grpcurl >/dev/null || $(GO) install github.com/fullstorydev/grpcurl/cmd/grpcurl@$(GRPCURL_VERSION)
	PATH=$$PATH:$$($(GO) env GOPATH)/bin .ci/grpcurl-session.sh

# The distributed stack of deployments/ (needs a Docker engine).
COMPOSE ?= docker compose -f deployments/compose.yaml

up:
	$(COMPOSE) up -d --build --wait

down:
	$(COMPOSE) down -v

clean:
	rm -rf bin data
