package plan

import (
	"reflect"
	"strings"
)

// The objectType each position of the document must carry.
const (
	TypePlan            = "plan"
	TypeMemberCostShare = "membercostshare"
	TypePlanService     = "planservice"
	TypeService         = "service"
)

// Plan is the root of the document. Field order here is the canonical JSON order.
//
// The validate tags hold the rules a tag can say; presence, JSON types and unknown
// fields are checked while decoding (a Go zero value cannot tell "missing" from "0"),
// and uniqueness of objectIds is checked by hand in validate.go.
type Plan struct {
	ObjectID           string          `json:"objectId" validate:"min=1,max=128,objectid"`
	ObjectType         string          `json:"objectType" validate:"eq=plan"`
	Org                string          `json:"_org" validate:"notblank,max=1024"`
	PlanType           string          `json:"planType" validate:"notblank,max=1024"`
	CreationDate       string          `json:"creationDate" validate:"plandate"`
	PlanCostShares     MemberCostShare `json:"planCostShares"`
	LinkedPlanServices []PlanService   `json:"linkedPlanServices" validate:"max=1000,dive"`
}

// MemberCostShare is the money a member pays: used for planCostShares and for each
// service's planserviceCostShares.
type MemberCostShare struct {
	ObjectID   string  `json:"objectId" validate:"min=1,max=128,objectid"`
	ObjectType string  `json:"objectType" validate:"eq=membercostshare"`
	Org        string  `json:"_org" validate:"notblank,max=1024"`
	Deductible float64 `json:"deductible" validate:"finite,gte=0,lte=1000000000"`
	Copay      float64 `json:"copay" validate:"finite,gte=0,lte=1000000000"`
}

// PlanService links a service into the plan with its own cost shares.
type PlanService struct {
	ObjectID              string          `json:"objectId" validate:"min=1,max=128,objectid"`
	ObjectType            string          `json:"objectType" validate:"eq=planservice"`
	Org                   string          `json:"_org" validate:"notblank,max=1024"`
	LinkedService         Service         `json:"linkedService"`
	PlanserviceCostShares MemberCostShare `json:"planserviceCostShares"`
}

// Service is a medical service a plan covers.
type Service struct {
	ObjectID   string `json:"objectId" validate:"min=1,max=128,objectid"`
	ObjectType string `json:"objectType" validate:"eq=service"`
	Org        string `json:"_org" validate:"notblank,max=1024"`
	Name       string `json:"name" validate:"notblank,max=1024"`
}

// ObjectIDs returns every objectId of the plan in document order, the plan's own first.
// The read model keeps one document per objectId, so this is the set of read-model
// documents the plan owns.
func (p *Plan) ObjectIDs() []string {
	if p == nil {
		return nil
	}
	ids := make([]string, 0, 2+3*len(p.LinkedPlanServices))
	p.eachObjectID(func(_ string, id string) { ids = append(ids, id) })
	return ids
}

// eachObjectID calls visit with the JSON path and value of every objectId in document
// order; the uniqueness check and ObjectIDs share it so they can never disagree.
func (p *Plan) eachObjectID(visit func(path, id string)) {
	visit("objectId", p.ObjectID)
	visit("planCostShares.objectId", p.PlanCostShares.ObjectID)
	for i := range p.LinkedPlanServices {
		s := &p.LinkedPlanServices[i]
		base := indexPath("linkedPlanServices", i)
		visit(base+".objectId", s.ObjectID)
		visit(base+".linkedService.objectId", s.LinkedService.ObjectID)
		visit(base+".planserviceCostShares.objectId", s.PlanserviceCostShares.ObjectID)
	}
}

// Clone returns a deep copy, so the aggregate's state can never be changed through a
// pointer a caller still holds.
func (p *Plan) Clone() *Plan {
	if p == nil {
		return nil
	}
	c := *p
	if p.LinkedPlanServices != nil {
		c.LinkedPlanServices = make([]PlanService, len(p.LinkedPlanServices))
		copy(c.LinkedPlanServices, p.LinkedPlanServices)
	}
	return &c
}

// normalize rewrites -0 money as 0. A Plan built in Go may carry -0, which passes
// "not negative" but would encode as "-0" while a decoded document never does; the
// canonical encoding must not depend on where a plan came from.
func (p *Plan) normalize() {
	p.PlanCostShares.normalize()
	for i := range p.LinkedPlanServices {
		p.LinkedPlanServices[i].PlanserviceCostShares.normalize()
	}
}

func (m *MemberCostShare) normalize() {
	if m.Deductible == 0 {
		m.Deductible = 0 // assigning the constant drops the sign of -0
	}
	if m.Copay == 0 {
		m.Copay = 0
	}
}

// The members each object may have, taken from the JSON tags so they cannot drift
// from the structs; anything else is an unknown field.
var (
	planFields        = jsonNames(reflect.TypeFor[Plan]())
	costShareFields   = jsonNames(reflect.TypeFor[MemberCostShare]())
	planServiceFields = jsonNames(reflect.TypeFor[PlanService]())
	serviceFields     = jsonNames(reflect.TypeFor[Service]())
)

func jsonNames(t reflect.Type) []string {
	names := make([]string, 0, t.NumField())
	for f := range t.Fields() {
		if name := jsonName(f); name != "" {
			names = append(names, name)
		}
	}
	return names
}

// jsonName is the member name encoding/json uses for a struct field ("" when skipped).
func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "-" {
		return ""
	}
	if name == "" {
		return f.Name
	}
	return name
}
