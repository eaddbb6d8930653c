package site

import "github.com/mailprofile/mailprofile/provider"

// Notes are found's notes in the language of ms: the provider's own
// instruction in that language where its catalog file has one, else in
// English, and the sentences around it from the catalog (note.*).
func Notes(ms Messages, found provider.Settings) []string {
	return found.NotesIn(ms.Lang(), provider.NoteTexts{
		See:          ms.T("note.see"),
		Visit:        ms.T("note.visit"),
		PrefersOAuth: ms.T("note.oauth_preferred"),
	})
}
