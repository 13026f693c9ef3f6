package plan

// Checked is a plan document that passed every rule, sealed so that it cannot change
// afterwards: the aggregate takes it without validating it again. A POST or PUT used
// to run the rules, go-playground/validator's reflection included, twice on the same
// value, once in Decode and once in Create or Replace.
//
// The zero Checked holds no plan; Create and Replace refuse it.
type Checked struct{ p *Plan }

// DecodeChecked is Decode, its plan sealed.
func DecodeChecked(body []byte) (Checked, error) {
	p, err := Decode(body)
	if err != nil {
		return Checked{}, err
	}
	return Checked{p: p}, nil
}

// Check validates a plan built in Go (Validate) and seals a copy of it.
func Check(p *Plan) (Checked, error) {
	if err := p.Validate(); err != nil {
		return Checked{}, err
	}
	return Checked{p: p.Clone()}, nil
}

// ObjectID is the plan's objectId, "" for the zero Checked.
func (c Checked) ObjectID() string {
	if c.p == nil {
		return ""
	}
	return c.p.ObjectID
}

// Org is the plan's _org, "" for the zero Checked.
func (c Checked) Org() string {
	if c.p == nil {
		return ""
	}
	return c.p.Org
}
