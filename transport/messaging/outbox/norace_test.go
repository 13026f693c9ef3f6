//go:build !race

package outbox_test

const raceDetector = false
