package plan

// Limits of an acceptable document. They keep one request from costing unbounded memory
// or CPU and keep every object addressable in URLs and in the search index.
const (
	// MaxDocumentBytes is a last line of defence: the HTTP layer enforces its own,
	// usually smaller, body limit before the bytes reach Decode. A plan at every other
	// limit (1000 services, long strings) stays well below it.
	MaxDocumentBytes = 8 << 20

	// MaxDepth bounds JSON nesting (objects and arrays). A valid plan is 4 deep; 16
	// leaves room for useful error messages about misplaced nesting while refusing
	// pathological inputs before they are walked.
	MaxDepth = 16

	// MaxLinkedPlanServices bounds linkedPlanServices; an empty array is fine.
	MaxLinkedPlanServices = 1000

	// MaxObjectIDLength bounds objectId, which appears in URL paths and as the
	// Elasticsearch _id (itself limited to 512 bytes).
	MaxObjectIDLength = 128

	// MaxStringLength bounds _org, planType and name, counted in characters.
	MaxStringLength = 1024

	// MaxProblems caps the problems reported for one document; a body full of
	// unknown fields could otherwise produce an error response larger than itself.
	MaxProblems = 100

	// MaxMoney is the largest copay or deductible accepted: far above any real amount,
	// and low enough that every value encodes without an exponent.
	MaxMoney = 1e9
)
