//go:build race

package outbox_test

// raceDetector: this test binary runs with the race detector.
const raceDetector = true
