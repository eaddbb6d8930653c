package provider

import "strings"

// NoteTexts are the sentences a caller's message catalog gives the notes
// in one language. {url} and {provider} are replaced.
type NoteTexts struct {
	// See follows the provider's instruction when it has a page to visit.
	See string
	// Visit is the note of an <enable> block with a page and no
	// instruction.
	Visit string
	// PrefersOAuth is the note of a provider that lists OAuth before the
	// password and says nothing about it.
	PrefersOAuth string
}

// EnglishNotes are the English NoteTexts, which Settings.Notes holds.
var EnglishNotes = NoteTexts{
	See:   "See {url}",
	Visit: "Before using the account, follow the instructions at {url}",
	PrefersOAuth: "{provider} prefers OAuth sign-in, which a profile cannot use: " +
		"if your usual password is refused, create an app password in your account's security settings and use that.",
}

// NotesIn are the notes in the language lang (an ISO 639-1 code): the
// provider's own instruction in lang where its file has one (an
// <instruction> with lang or xml:lang), else its English one, and the
// sentences around it from t.
func (s Settings) NotesIn(lang string, t NoteTexts) []string {
	var notes []string
	if e := s.enable; e != nil {
		note := e.Text(lang)
		if note != "" && !strings.ContainsAny(note[len(note)-1:], ".!?") {
			note += "."
		}
		switch {
		case e.VisitURL != "" && note == "":
			note = fill(t.Visit, "{url}", e.VisitURL)
		case e.VisitURL != "":
			note += " " + fill(t.See, "{url}", e.VisitURL)
		}
		notes = append(notes, note)
	}
	if s.prefersOAuth {
		notes = append(notes, fill(t.PrefersOAuth, "{provider}", s.Provider.DisplayName))
	}
	return notes
}

func fill(template, placeholder, value string) string {
	return strings.ReplaceAll(template, placeholder, value)
}
