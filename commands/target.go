package commands

// Target is what replace, patch and delete share: the plan they change, which must
// exist, what the caller expects of its version (If-Match) and who sends the command.
type Target struct {
	PlanID       string
	Precondition Precondition
	Meta         Metadata
}

// on is the invocation of decide on the target plan.
func (t Target) on(decide decision) invocation {
	return invocation{planID: t.PlanID, precondition: t.Precondition, mustExist: true, meta: t.Meta, decide: decide}
}
