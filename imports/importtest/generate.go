// Package importtest makes NDJSON imports with a known mix of outcomes, for the tests
// and for the import benchmark (cmd/importbench).
package importtest

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// planTemplate is the example plan (aggregates/plan/exampleplan/plan.json) on one line, its
// objectIds and one copay made into placeholders.
const planTemplate = `{"planCostShares":{"deductible":2000,"_org":"example.com","copay":23,"objectId":"@-cs","objectType":"membercostshare"},` +
	`"linkedPlanServices":[{"linkedService":{"_org":"example.com","objectId":"$-svc1","objectType":"service","name":"Yearly physical"},` +
	`"planserviceCostShares":{"deductible":10,"_org":"example.com","copay":COPAY,"objectId":"@-pscs1","objectType":"membercostshare"},` +
	`"_org":"example.com","objectId":"@-ps1","objectType":"planservice"},` +
	`{"linkedService":{"_org":"example.com","objectId":"@-svc2","objectType":"service","name":"well baby"},` +
	`"planserviceCostShares":{"deductible":10,"_org":"example.com","copay":175,"objectId":"@-pscs2","objectType":"membercostshare"},` +
	`"_org":"example.com","objectId":"@-ps2","objectType":"planservice"}],` +
	`"_org":"example.com","objectId":"@","objectType":"plan","planType":"inNetwork","creationDate":"12-12-2017"}`

// Plan is a plan document whose objectIds all start with id; its first linked service
// has the objectId serviceOwner+"-svc1" (id for a plan of its own), and copay is its
// first plan service's copay (negative: invalid).
func Plan(id, serviceOwner string, copay int) string {
	s := strings.ReplaceAll(planTemplate, "@", id)
	s = strings.ReplaceAll(s, "$", serviceOwner)
	return strings.Replace(s, "COPAY", fmt.Sprint(copay), 1)
}

// Mix says what to generate: Lines lines with prefix-unique ids, every InvalidEvery-th
// invalid (a negative copay) and every ConflictEvery-th a conflict (its first linked
// service's objectId is one of a seed plan, to be created before the import).
type Mix struct {
	Prefix        string
	Lines         int
	InvalidEvery  int // 0: none
	ConflictEvery int // 0: none
}

// Expected are the outcomes a create-mode import of the mix has.
type Expected struct {
	Created, Invalid, Conflict int
	InvalidLines               []int // line numbers, from 1
	ConflictLines              []int
	Seeds                      []string // plans (JSON) to create before the import
}

// Write writes the mix as NDJSON and returns what a create-mode import of it does.
func Write(w io.Writer, m Mix) (Expected, error) {
	bw := bufio.NewWriterSize(w, 1<<16)
	var exp Expected
	for line := 1; line <= m.Lines; line++ {
		id := fmt.Sprintf("%s-%d", m.Prefix, line)
		doc := Plan(id, id, 0)
		switch {
		case m.InvalidEvery > 0 && line%m.InvalidEvery == 0:
			doc = Plan(id, id, -1)
			exp.Invalid++
			exp.InvalidLines = append(exp.InvalidLines, line)
		case m.ConflictEvery > 0 && line%m.ConflictEvery == 1%m.ConflictEvery:
			seed := fmt.Sprintf("%s-seed-%d", m.Prefix, line)
			exp.Seeds = append(exp.Seeds, Plan(seed, seed, 0))
			doc = Plan(id, seed, 0)
			exp.Conflict++
			exp.ConflictLines = append(exp.ConflictLines, line)
		default:
			exp.Created++
		}
		if _, err := bw.WriteString(doc + "\n"); err != nil {
			return exp, err
		}
	}
	return exp, bw.Flush()
}
