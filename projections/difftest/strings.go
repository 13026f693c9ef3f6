package difftest

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Vocabularies are small so that random queries often hit: a query picks its values
// from the same pools the plans were built from, plus a few that match nothing.
var (
	orgs      = []string{"example.com", "acme.org", "Example.COM", "health.example", "über-health.de", "clinic.example"}
	planTypes = []string{"inNetwork", "outOfNetwork", "HMO", "PPO", "in network", "Out Of Network", "EPO"}
	// Words whose tokens are the same under the engine's analyzer and Elasticsearch's
	// standard one: letters and digits joined by plain separators.
	safeWords = []string{
		"yearly", "physical", "well", "baby", "dental", "cleaning", "eye", "exam", "x", "ray",
		"therapy", "mental", "health", "care", "Yearly", "WELL", "Baby", "café", "Über", "niño",
		"naïve", "Ärzte", "σπίτι", "здоровье", "3rd", "covid19", "24h", "a", "the", "of",
	}
	safeSeparators = []string{" ", " ", " ", "-", "/", " (", ") ", ", ", " & ", "+", "! ", "? "}
	// Strings Elasticsearch's UAX #29 tokenizer splits differently (KnownTokenization).
	tokenHazards = []string{
		"lab_test", "O'Neil's", "1,000", "2.0.1", "3.5", "foo.bar", "x@y.com", "a:b",
		"日本語", "医療保険", "한국어", "😀", "👍🏽", "ไทย", "e\u0301cole", "l'hôpital",
	}
	// Characters outside the Basic Multilingual Plane: two UTF-16 code units each
	// (KnownIgnoreAboveUTF16 when a name is near ignore_above).
	astral = []string{"𝒜", "𐍈", "𝔘", "😀"}
)

// randomName builds a linkedService name: a few words, sometimes long enough to pass
// ignore_above (256) on name.keyword.
func (g *gen) randomName() string {
	r := g.r
	if r.IntN(25) == 0 {
		return g.longName()
	}
	n := 1 + r.IntN(4)
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(pick(r, safeSeparators))
		}
		if !g.known.Has(KnownTokenization) && r.IntN(6) == 0 {
			b.WriteString(pick(r, tokenHazards))
			continue
		}
		b.WriteString(pick(r, safeWords))
	}
	s := strings.TrimSpace(b.String())
	if s == "" || strings.Trim(s, "()&+!?,/- ") == "" {
		s = "well baby"
	}
	g.seenNames = append(g.seenNames, s)
	return s
}

// longName is near ignore_above: 250 to 262 characters, so name.keyword holds some and
// drops others. With astral characters the count differs between code points and
// UTF-16 code units, which only a strict run exercises.
func (g *gen) longName() string {
	r := g.r
	n := 250 + r.IntN(13)
	var b strings.Builder
	count := 0
	for count < n {
		if !g.known.Has(KnownIgnoreAboveUTF16) && r.IntN(20) == 0 {
			b.WriteString(pick(r, astral))
		} else {
			b.WriteByte(byte('a' + r.IntN(3)))
		}
		count++
		if count%9 == 0 && count < n {
			b.WriteByte(' ')
			count++
		}
	}
	return b.String()
}

// randomMoney is a copay or deductible: small integers mostly, cents, and the extremes.
func (g *gen) randomMoney() any {
	r := g.r
	switch r.IntN(8) {
	case 0:
		return num(0)
	case 1:
		return num(pick(r, []string{"12.5", "0.01", "99.99", "1000000000", "175", "2000", "23", "10"}))
	case 2:
		return num(float64(r.IntN(100000)) / 100)
	default:
		return num(r.IntN(300))
	}
}

// randomDate is a creationDate in one of the three accepted forms (a keyword in the
// read model, so ranges on it compare strings).
func (g *gen) randomDate() string {
	r := g.r
	y, m, d := 1990+r.IntN(40), 1+r.IntN(12), 1+r.IntN(28)
	switch r.IntN(3) {
	case 0:
		return fmt.Sprintf("%02d-%02d-%04d", m, d, y)
	case 1:
		return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
	}
	return fmt.Sprintf("%02d-%02d-%04d", 13+r.IntN(16), m, y)
}

// idAlphabet is what an objectId may hold besides letters and digits.
const idAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._~:-"

// newID returns a fresh objectId: a random stem and a counter, so ids are unique
// across plans as the command side requires.
func (g *gen) newID() string {
	g.ids++
	n := 1 + g.r.IntN(8)
	b := make([]byte, n)
	for i := range b {
		b[i] = idAlphabet[g.r.IntN(62)]
	}
	if g.r.IntN(4) == 0 {
		b = append(b, idAlphabet[62+g.r.IntN(len(idAlphabet)-62)])
	}
	return fmt.Sprintf("%s%d", b, g.ids)
}

func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }
