// Package deployments holds the container build (Dockerfile) and the Docker Compose file
// of the distributed setup. It has no code: the Go package exists so that
// compose_test.go can check the compose wiring without a Docker engine.
package deployments
