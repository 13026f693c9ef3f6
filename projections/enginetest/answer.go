package enginetest

import (
	"encoding/json"
	"slices"
)

// Answer is what tests read of a _search answer, on either engine.
type Answer struct {
	Hits struct {
		Total struct {
			Value    int    `json:"value"`
			Relation string `json:"relation"`
		} `json:"total"`
		Hits []Hit `json:"hits"`
	} `json:"hits"`
}

// Hit is one search hit (_source only when the search asks for it).
type Hit struct {
	Index   string          `json:"_index"`
	ID      string          `json:"_id"`
	Routing string          `json:"_routing"`
	Source  json.RawMessage `json:"_source"`
}

// DecodeAnswer decodes the body of a _search answer.
func DecodeAnswer(body []byte) (Answer, error) {
	var a Answer
	err := json.Unmarshal(body, &a)
	return a, err
}

// IDs are the sorted _ids of the answer's hits, duplicates included.
func (a Answer) IDs() []string {
	ids := make([]string, 0, len(a.Hits.Hits))
	for _, h := range a.Hits.Hits {
		ids = append(ids, h.ID)
	}
	slices.Sort(ids)
	return ids
}
