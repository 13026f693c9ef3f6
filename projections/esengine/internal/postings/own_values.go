package postings

// Most values of identifier fields are the own id of one of the documents holding them:
// an objectId is its document's id, and a parent's id (a join's parent field, a plan's
// routing) is held by the parent and its children. Postings keyed by document keep
// such a value in a DocTable instead of ByKey, under the number of that document (its
// owner), which the table reads the value back from; the value's list sits beside it
// when it is more than the owner. A map entry took 25-60 bytes a value (a string
// header, the list, a control byte, the slack of a map sized up front); a slot of the
// table takes 8-12 bytes, at 1.5 slots a value.
//
// A value is held by the table exactly when one of its documents has it as its own id,
// so where a value is depends only on the documents holding it, never on the order of
// the writes that put them there: a reloaded engine holds (and saves) every value
// where the engine it was saved from did.

// addTo returns l with doc added.
func (p *Postings[K]) addTo(l List, doc uint32) List {
	if set := p.set(l); set != nil {
		set.Add(doc)
		return l
	}
	if uint32(l) == doc {
		return l
	}
	return p.newSet(uint32(l), doc)
}

// removeFrom returns l without doc, and false when no document is left.
func (p *Postings[K]) removeFrom(l List, doc uint32) (List, bool) {
	set := p.set(l)
	if set == nil {
		return l, uint32(l) != doc
	}
	set.Remove(doc)
	switch set.len() {
	case 0:
		p.dropSet(l)
		return 0, false
	case 1:
		p.dropSet(l)
		return single(set.minimum()), true
	}
	return l, true
}

// moveIn returns l with document from replaced by document to.
func (p *Postings[K]) moveIn(l List, from, to uint32) List {
	if set := p.set(l); set != nil {
		set.Remove(from)
		set.Add(to)
		return l
	}
	if uint32(l) == from {
		return single(to)
	}
	return p.newSet(uint32(l), to)
}

func (p *Postings[K]) ownSlot(k K) int {
	if p.own.idOf == nil {
		return -1
	}
	return p.own.slot(k)
}

// removeOwn removes doc from k, held by the own values at slot i.
func (p *Postings[K]) removeOwn(i int, k K, doc uint32) {
	rest, left := p.removeFrom(p.own.listAt(i), doc)
	switch {
	case !left:
		p.own.deleteAt(i)
		p.stale = true
	case p.own.docAt(i) != doc:
		p.own.setListAt(i, rest)
	default:
		p.rehome(i, k, rest)
	}
}

// moveOwn moves k, held by the own values at slot i, from document from to document to.
func (p *Postings[K]) moveOwn(i int, k K, from, to uint32) {
	rest := p.moveIn(p.own.listAt(i), from, to)
	if p.own.docAt(i) != from {
		p.own.setListAt(i, rest)
		return
	}
	if p.own.idOf(to) == k { // the owner under its new number
		p.own.setDocAt(i, to)
		p.own.setListAt(i, rest)
		return
	}
	p.rehome(i, k, rest)
}

// rehome gives k, at slot i, whose owner left its list rest, another owner from rest,
// or else moves it to ByKey.
func (p *Postings[K]) rehome(i int, k K, rest List) {
	if owner, ok := p.ownerIn(k, rest); ok {
		p.own.setDocAt(i, owner)
		p.own.setListAt(i, rest)
		return
	}
	p.own.deleteAt(i)
	p.ByKey[k] = rest
}

// ownerIn finds a document of l whose own id is k. Document ids are unique, so there
// is one only while a document is being replaced by another with its id.
func (p *Postings[K]) ownerIn(k K, l List) (uint32, bool) {
	set := p.set(l)
	if set == nil {
		return uint32(l), p.own.idOf(uint32(l)) == k
	}
	owner, found := uint32(0), false
	set.ForEach(func(doc uint32) {
		if !found && p.own.idOf(doc) == k {
			owner, found = doc, true
		}
	})
	return owner, found
}
