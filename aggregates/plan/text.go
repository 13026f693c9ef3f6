package plan

import "unicode"

// hasVisibleCharacter is the rule behind "not blank": a string of only white space,
// control characters (NUL, ESC...) or invisible format characters (zero-width space,
// joiners, BOM, bidi marks...) shows nothing to a person reading a plan, so it is as
// empty as "" and is refused the same way.
func hasVisibleCharacter(s string) bool {
	for _, r := range s {
		if !isInvisible(r) {
			return true
		}
	}
	return false
}

func isInvisible(r rune) bool {
	switch {
	case unicode.IsSpace(r), unicode.Is(unicode.Cc, r), unicode.Is(unicode.Cf, r), unicode.Is(unicode.Zs, r):
		return true
	case r == 0x115F, r == 0x1160, r == 0x3164, r == 0xFFA0, r == 0x2800: // Hangul fillers, braille blank
		return true
	default:
		return false
	}
}

// HasLoneSurrogateEscape reports whether the JSON text s (a string token with its quotes,
// or a whole document) contains a \uD800-\uDFFF escape that is not one half of a
// surrogate pair. encoding/json silently turns such an escape into U+FFFD, so the
// stored text would differ from what the client sent; it is refused instead. The search
// request parser applies the same rule to search bodies.
func HasLoneSurrogateEscape(s []byte) bool {
	inString := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			inString = !inString
		case c == '\\' && inString && i+1 < len(s):
			if s[i+1] != 'u' {
				i++ // \" \\ and the other one-character escapes
				continue
			}
			r, ok := hex4(s, i+2)
			switch {
			case !ok:
				i++
			case r >= 0xD800 && r <= 0xDBFF: // high: must be followed by \u low
				low, ok := hex4(s, i+8)
				if i+7 >= len(s) || s[i+6] != '\\' || s[i+7] != 'u' || !ok || low < 0xDC00 || low > 0xDFFF {
					return true
				}
				i += 11
			case r >= 0xDC00 && r <= 0xDFFF:
				return true
			default:
				i += 5
			}
		}
	}
	return false
}

func hex4(s []byte, at int) (rune, bool) {
	if at+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range s[at : at+4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
