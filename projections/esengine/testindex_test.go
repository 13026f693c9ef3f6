package esengine

import "github.com/planstore/planstore/projections/dsltest"

// joinIndexBody is the index the engine's tests write to and search: the conformance
// suite's own (dsltest.IndexBody), so the engine's tests and the suite it shares with a
// real Elasticsearch exercise one mapping, and neither knows anything of plans.
var joinIndexBody = dsltest.IndexBody

// JoinIndexBody is joinIndexBody for the package's external tests.
var JoinIndexBody = joinIndexBody
