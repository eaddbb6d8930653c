package site

import "net/http"

// pageMessages are the English public messages of page-level errors
// (not by a form field) that this program writes, with their keys.
var pageMessages = map[string]string{
	"This address is too long for a QR code.": "error.qr_too_long",
}

// statusMessages are the keys of the statuses whose message is the same
// whatever caused them.
var statusMessages = map[int]string{
	http.StatusTooManyRequests:       "error.too_many_text",
	http.StatusForbidden:             "error.forbidden_text",
	http.StatusMethodNotAllowed:      "error.method_text",
	http.StatusRequestEntityTooLarge: "error.too_large_text",
	http.StatusBadRequest:            "error.bad_request_text",
}

// PageError is the message of a page-level error with status and the
// English public message msg, in the language of ms. A message it does
// not know keeps its English text beside a translated lead.
func PageError(ms Messages, status int, msg string) FieldError {
	if ms.lang == "en" {
		return FieldError{Text: Sentence(msg)}
	}
	if key, ok := pageMessages[msg]; ok {
		return FieldError{Text: ms.T(key)}
	}
	if key, ok := statusMessages[status]; ok && (msg == http.StatusText(status) || status == http.StatusTooManyRequests) {
		return FieldError{Text: ms.T(key)}
	}
	return FieldError{Text: ms.T("error.other_text"), Detail: Sentence(msg)}
}
