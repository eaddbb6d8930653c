package provider

import "strings"

// Suggesting a known domain for a typo: "gmial.com" is most likely
// gmail.com, and "btinternet.con" btinternet.com. The page offers the
// suggestion as a link and never applies it by itself: a domain that is
// merely unknown to us is not a mistake.

// MaxSuggestInput is the longest domain, in bytes, that Suggest
// considers; a longer one is no typo of a catalog domain, and the bound
// keeps the work per request small.
const MaxSuggestInput = 100

// Costs, in half edits: a slip to a key beside the right one, or two
// letters swapped, is the commonest typo and costs half of any other
// edit.
const (
	costEdit     = 2 // insert, delete or replace a character
	costNearKey  = 1 // replace a character by a neighbour on the keyboard
	costSwap     = 1 // swap two neighbouring characters
	costTLDSlip  = 1 // a known slip of the top-level domain (tldSlips)
	maxCostShort = 2 // one edit, for names of at most 4 characters
	maxCostLong  = 4 // two edits, for longer ones
)

// tldSlips are top-level domains typed for the one on the right. Some
// are real (.co, .cm, .om), but far more often a slip than meant.
var tldSlips = map[string][]string{
	"con": {"com"}, "cmo": {"com"}, "ocm": {"com"}, "vom": {"com"}, "xom": {"com"}, "cpm": {"com"}, "cim": {"com"},
	"comm": {"com"}, "coom": {"com"}, "cm": {"com"}, "om": {"com"}, "co": {"com"},
	"co.uk": {"com"}, "com": {"co.uk"},
	"ner": {"net"}, "nte": {"net"}, "bet": {"net"}, "met": {"net"},
	"ogr": {"org"}, "orf": {"org"},
}

// realTLDs are top-level domains that are real and common: one of them
// is not corrected to another (gmx.at is not a typo of gmx.de), except
// by a known slip.
var realTLDs = map[string]bool{
	"com": true, "net": true, "org": true, "edu": true, "gov": true, "info": true, "biz": true, "io": true, "me": true,
	"co.uk": true, "org.uk": true, "uk": true, "de": true, "fr": true, "ru": true, "at": true, "ch": true, "nl": true,
	"be": true, "it": true, "es": true, "eu": true, "us": true, "ca": true, "au": true, "jp": true, "cn": true, "in": true,
	"br": true, "pl": true, "se": true, "no": true, "dk": true, "fi": true, "ie": true, "nz": true, "cz": true, "pt": true,
	"co": true, "cm": true, "om": true,
}

// Suggest returns the domain of known that domain most likely is a typo
// of, or "" when none is close enough or domain is itself known. It
// compares the name before the top-level domain by an edit distance in
// which keyboard neighbours and swapped letters cost less, and the
// top-level domains by the common slips (.con, .cmo, .co.uk for .com).
// Ties go to the shorter domain, then the first in alphabetical order, so
// the answer does not depend on the order of known.
func Suggest(domain string, known []string) string {
	d := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(domain), "."))
	if d == "" || len(d) > MaxSuggestInput {
		return ""
	}
	name, tld := splitTLD(d)
	best, bestCost := "", maxCostLong+1
	for _, k := range known {
		if k == d {
			return ""
		}
		kname, ktld := splitTLD(k)
		tc, ok := tldCost(tld, ktld)
		if !ok {
			continue
		}
		limit := maxCostLong
		if len(kname) <= 4 {
			limit = maxCostShort
		}
		if abs(len(name)-len(kname))*costEdit > limit-tc {
			continue // too far apart in length alone
		}
		cost := tc + distance(name, kname)
		if cost == 0 || cost > limit {
			continue
		}
		if cost < bestCost || cost == bestCost && (len(k) < len(best) || len(k) == len(best) && k < best) {
			best, bestCost = k, cost
		}
	}
	return best
}

// splitTLD splits d before its top-level domain; a second-level one
// under a country (co.uk) counts as part of it.
func splitTLD(d string) (name, tld string) {
	i := strings.LastIndexByte(d, '.')
	if i < 0 {
		return d, ""
	}
	if j := strings.LastIndexByte(d[:i], '.'); j >= 0 && len(d)-i == 3 {
		switch d[j+1 : i] {
		case "co", "org", "ac", "me", "ltd", "plc", "net", "com":
			return d[:j], d[j+1:]
		}
	}
	return d[:i], d[i+1:]
}

// tldCost is the cost of typing tld for want, and false when tld is not
// a slip of it.
func tldCost(tld, want string) (int, bool) {
	if tld == want {
		return 0, true
	}
	for _, w := range tldSlips[tld] {
		if w == want {
			return costTLDSlip, true
		}
	}
	if realTLDs[tld] || len(tld) > 8 {
		return 0, false
	}
	// An unknown top-level domain: one near-key slip or swap away.
	if c := distance(tld, want); c <= costNearKey {
		return c, true
	}
	return 0, false
}

// distance is the optimal string alignment distance of a and b (edits
// and swaps of neighbours), in half edits, with the lower costs above.
// Its inputs are bounded by MaxSuggestInput.
func distance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j * costEdit
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i * costEdit
		for j := 1; j <= len(b); j++ {
			sub := 0
			if a[i-1] != b[j-1] {
				sub = costEdit
				if nearKeys(a[i-1], b[j-1]) {
					sub = costNearKey
				}
			}
			c := min(prev[j]+costEdit, cur[j-1]+costEdit, prev[j-1]+sub)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] && a[i-1] != a[i-2] {
				c = min(c, prev2[j-2]+costSwap)
			}
			cur[j] = c
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// keyRows is the QWERTY layout, each row offset by about half a key to
// the right of the one above.
var keyRows = [...]string{"1234567890-", "qwertyuiop", "asdfghjkl", "zxcvbnm"}

// keyPos maps a key to its row and column; the zero value is no key.
var keyPos = func() (pos [256]struct{ row, col, ok int }) {
	for r, row := range keyRows {
		for c := 0; c < len(row); c++ {
			pos[row[c]] = struct{ row, col, ok int }{r, c, 1}
		}
	}
	return pos
}()

// nearKeys reports whether a and b are neighbours on the keyboard: beside
// each other in a row, or touching in the row above or below.
func nearKeys(a, b byte) bool {
	pa, pb := keyPos[a], keyPos[b]
	if pa.ok == 0 || pb.ok == 0 {
		return false
	}
	dr, dc := pb.row-pa.row, pb.col-pa.col
	switch dr {
	case 0:
		return dc == 1 || dc == -1
	case -1: // the row above sits half a key to the left
		return dc == 0 || dc == 1
	case 1:
		return dc == 0 || dc == -1
	}
	return false
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
