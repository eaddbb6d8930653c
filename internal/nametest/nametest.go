// Package nametest holds display names as typed and what every entry
// point must make of them (profile.ParseName), so that the tests of the
// pages, the download, the API, the helpdesk and the command line hold
// them all to one answer.
package nametest

// Case is a name as typed, and the name kept (Want, "" for none) or the
// error message WantErr.
type Case struct {
	Name    string
	In      string
	Want    string
	WantErr string
}

// Control is the message for a control character or line break.
const Control = "the name contains a control character or line break"

// Cases are the names every entry point is tested with.
var Cases = []Case{
	{Name: "spaces around", In: "  Ann  ", Want: "Ann"},
	{Name: "tab and ideographic space around", In: "\tAnn\u3000", Want: "Ann"},
	{Name: "only spaces", In: "   ", Want: ""},
	{Name: "line separator", In: "Ann\u2028", WantErr: Control},
	{Name: "paragraph separator alone", In: "\u2029", WantErr: Control},
	{Name: "BOM first", In: "\ufeffAnn", WantErr: Control},
	{Name: "BOM inside", In: "A\ufeffnn", WantErr: Control},
}
