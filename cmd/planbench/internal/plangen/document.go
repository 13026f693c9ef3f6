package plangen

// The document types mirror the example plan (aggregates/plan/exampleplan/plan.json) field for
// field, so the generator can only produce that shape. They are the generator's own
// types rather than the server's aggregates/plan ones: a load generator must send what
// a real client sends, not what the server happens to decode into.

type costShare struct {
	Deductible float64 `json:"deductible"`
	Org        string  `json:"_org"`
	Copay      float64 `json:"copay"`
	ObjectID   string  `json:"objectId"`
	ObjectType string  `json:"objectType"`
}

type service struct {
	Org        string `json:"_org"`
	ObjectID   string `json:"objectId"`
	ObjectType string `json:"objectType"`
	Name       string `json:"name"`
}

type planService struct {
	LinkedService         service   `json:"linkedService"`
	PlanserviceCostShares costShare `json:"planserviceCostShares"`
	Org                   string    `json:"_org"`
	ObjectID              string    `json:"objectId"`
	ObjectType            string    `json:"objectType"`
}

type document struct {
	PlanCostShares     costShare     `json:"planCostShares"`
	LinkedPlanServices []planService `json:"linkedPlanServices"`
	Org                string        `json:"_org"`
	ObjectID           string        `json:"objectId"`
	ObjectType         string        `json:"objectType"`
	PlanType           string        `json:"planType"`
	CreationDate       string        `json:"creationDate"`
}
