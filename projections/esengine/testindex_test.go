package esengine

import "os"

// joinIndexBody is the index the engine's tests write to and search (testdata/index.json):
// a join field with two levels of children, keywords, numbers, and text with a keyword
// sub-field. It is the engine's own fixture, shaped like planstore's read model but not
// taken from it: the engine is a library and knows nothing of plans.
var joinIndexBody = func() string {
	b, err := os.ReadFile("testdata/index.json")
	if err != nil {
		panic(err)
	}
	return string(b)
}()

// JoinIndexBody is joinIndexBody for the package's external tests.
var JoinIndexBody = joinIndexBody
