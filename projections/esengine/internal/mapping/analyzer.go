package mapping

import (
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// The standard analyzer of Elasticsearch 7.17 is Lucene's StandardTokenizer (Unicode
// word boundaries, UAX #29) followed by a lowercase filter. The word boundaries come
// from rivo/uniseg, which implements UAX #29 from the Unicode data files and is kept up
// to date with them; a hand-written splitter got lab_test, O'Neil's, 1,000, 2.0.1, CJK
// and emoji wrong (issue 14). What is Lucene's own on top of UAX #29, checked against
// _analyze of a 7.17 cluster (TestAnalyzerMatchesStandardTokenizer):
//   - only segments with a letter or a digit become tokens, and emoji (U+00A9 ©, ♡, 🍕,
//     a ZWJ sequence, a keycap or a flag); spaces, punctuation and other symbols do not;
//   - runs of Thai, Lao, Myanmar, Khmer and the other scripts UAX #14 calls complex
//     context stay one token (UAX #29 alone splits them per character);
//   - a token longer than 255 UTF-16 code units is cut into pieces of that length;
//   - a skin tone that follows no emoji, and a flag's lone half, are handled as Lucene's
//     Unicode 9 era emoji rules do.
//
// Left as they are (a randomized comparison of hostile strings with a 7.17 _analyze
// found them in about 1 in 200): a skin tone after a pictograph that is no
// Emoji_Modifier_Base (© 🏻), and a ZWJ between a word and a pictograph (9b‍🍕), which
// UAX #29 joins and Lucene splits.
const maxTokenLength = 255

// Analyze returns the tokens of text as the standard analyzer makes them.
func Analyze(text string) []string {
	var tokens []string
	ForEachToken(text, func(tok string) { tokens = append(tokens, tok) })
	return tokens
}

// ForEachToken calls fn with each token of text in order, without collecting them.
func ForEachToken(text string, fn func(tok string)) {
	state := -1
	// A run of complex-context segments is emitted as one token: runStart and runEnd
	// are its byte offsets in text, pos the offset of the next segment.
	runStart, runEnd, pos := 0, 0, 0
	flush := func() {
		if runEnd > runStart {
			emitToken(text[runStart:runEnd], fn)
		}
		runStart, runEnd = pos, pos
	}
	for rest := text; rest != ""; {
		var segment string
		segment, rest, state = uniseg.FirstWordInString(rest, state)
		for segment != "" {
			var piece string
			piece, segment = cutAtLoneModifier(segment)
			switch {
			case isComplexContext(piece):
				if runEnd == runStart {
					runStart = pos
				}
				runEnd = pos + len(piece)
			case isWordSegment(piece):
				flush()
				emitToken(piece, fn)
			case isEmoji(strings.TrimLeftFunc(piece, unicode.IsSpace)):
				// A space before a ZWJ and a pictograph is in the same segment (WB4,
				// WB3c) but not in Lucene's token.
				flush()
				emitToken(strings.TrimLeftFunc(piece, unicode.IsSpace), fn)
			default:
				flush()
			}
			pos += len(piece)
		}
	}
	flush()
}

// cutAtLoneModifier splits a segment around a skin tone that follows no emoji: UAX #29
// attaches it (as Extend) to its neighbours, Lucene (whose word rules predate that)
// makes it an emoji of its own. Marks after it stay with it.
func cutAtLoneModifier(segment string) (piece, rest string) {
	prev := rune(-1)
	for i, r := range segment {
		if isEmojiModifier(r) && !isExtendedPictographic(prev) {
			if i > 0 {
				return segment[:i], segment[i:]
			}
			end := i + utf8.RuneLen(r)
			for _, next := range segment[end:] {
				if !unicode.Is(unicode.Me, next) { // a keycap stays; Lucene drops a VS16
					break
				}
				end += utf8.RuneLen(next)
			}
			return segment[:end], segment[end:]
		}
		prev = r
	}
	return segment, ""
}

// emitToken lowercases a segment, code point by code point as Lucene's
// LowerCaseFilter does, and cuts it at maxTokenLength UTF-16 code units.
func emitToken(segment string, fn func(tok string)) {
	if len(segment) <= maxTokenLength {
		// No more bytes than the limit means no more UTF-16 units either. strings.ToLower
		// maps each code point with unicode.ToLower and returns segment itself, without
		// a copy, when nothing changes.
		fn(strings.ToLower(segment))
		return
	}
	var b strings.Builder
	units := 0
	for _, r := range segment {
		n := utf16.RuneLen(r)
		if n < 0 {
			n = 1
		}
		if units+n > maxTokenLength {
			fn(b.String())
			b.Reset()
			units = 0
		}
		b.WriteRune(unicode.ToLower(r))
		units += n
	}
	if b.Len() > 0 {
		fn(b.String())
	}
}

// isWordSegment says whether a UAX #29 segment is a token: it holds a letter or a digit
// (ALPHANUM, NUM, IDEOGRAPHIC, HIRAGANA, KATAKANA, HANGUL).
func isWordSegment(segment string) bool {
	for _, r := range segment {
		if r < utf8.RuneSelf {
			if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' {
				return true
			}
			continue
		}
		if unicode.IsLetter(r) || unicode.Is(unicode.Nd, r) || unicode.Is(unicode.Nl, r) || isOtherAlphabeticLetter(r) {
			return true
		}
	}
	return false
}

// isEmoji says whether a segment that has no letter or digit is one of Lucene's EMOJI
// tokens: it starts with an Extended_Pictographic character, an emoji modifier or a
// regional indicator, or it is a keycap sequence (#️⃣).
func isEmoji(segment string) bool {
	// A zero-width joiner may lead: UAX #29 joins it to the pictograph after it.
	segment = strings.TrimLeft(segment, "\u200D")
	r, _ := utf8.DecodeRuneInString(segment)
	switch {
	case r == '#' || r == '*':
		return strings.ContainsRune(segment, '\u20E3') // keycap: # or * + VS16 + U+20E3
	case r < 0xA9:
		return false
	case isEmojiModifier(r):
		return true
	case isRegionalIndicator(r):
		// A flag is a pair; a lone regional indicator is no token.
		_, size := utf8.DecodeRuneInString(segment)
		next, _ := utf8.DecodeRuneInString(segment[size:])
		return isRegionalIndicator(next)
	}
	return isExtendedPictographic(r)
}

func isRegionalIndicator(r rune) bool { return 0x1F1E6 <= r && r <= 0x1F1FF }

// isOtherAlphabeticLetter: symbols that are Alphabetic, and so ALetter for UAX #29,
// without being letters (circled letters such as ⓐ); marks among them are Extend.
func isOtherAlphabeticLetter(r rune) bool {
	return unicode.Is(unicode.Other_Alphabetic, r) && !unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me)
}

// isEmojiModifier is Emoji_Modifier: the five skin tones.
func isEmojiModifier(r rune) bool { return 0x1F3FB <= r && r <= 0x1F3FF }

// isExtendedPictographic reads the Unicode property from uniseg's own tables, through
// the one grapheme rule that depends on it (GB11: an emoji, ZWJ and an
// Extended_Pictographic character stay one cluster); characters that join any
// cluster (Extend, ZWJ, SpacingMark: GB9, GB9a) are ruled out first.
func isExtendedPictographic(r rune) bool {
	s := string(r)
	return uniseg.GraphemeClusterCount("a"+s) == 2 && uniseg.GraphemeClusterCount("\U0001F600\u200D"+s) == 1
}

// complexContext are the scripts of Line_Break=Complex_Context (UAX #14), which Lucene
// keeps whole as SOUTHEAST_ASIAN tokens.
var complexContext = []*unicode.RangeTable{
	unicode.Thai, unicode.Lao, unicode.Myanmar, unicode.Khmer, unicode.Tai_Le,
	unicode.New_Tai_Lue, unicode.Tai_Tham, unicode.Tai_Viet, unicode.Ahom,
}

// isComplexContext says whether a segment holds a letter of those scripts and nothing
// else but marks and format characters (a variation selector, a ZWJ).
func isComplexContext(segment string) bool {
	letter := false
	for _, r := range segment {
		if r < utf8.RuneSelf || !unicode.IsOneOf(complexContext, r) && !unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) {
			return false
		}
		letter = letter || unicode.IsLetter(r)
	}
	return letter
}

// Utf16Length is the length Elasticsearch compares with ignore_above: Java's
// String.length(), UTF-16 code units, so a character outside the Basic Multilingual
// Plane (an emoji, a CJK extension ideograph) counts twice.
func Utf16Length(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
