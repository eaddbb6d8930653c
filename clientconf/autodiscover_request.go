package clientconf

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"unicode/utf8"
)

// MaxAutodiscoverRequest bounds the body of an Autodiscover request.
// Outlook's and iOS's are about 350 bytes; nothing legitimate comes near.
const MaxAutodiscoverRequest = 8 << 10

// Limits of the request parser: nesting (the request is three deep) and
// the address's length before it is validated (RFC 5321 allows 254).
const (
	maxRequestDepth = 8
	maxAddressText  = 1024
)

// ErrRequestTooLarge is returned for a body over MaxAutodiscoverRequest.
var ErrRequestTooLarge = errors.New("the request is larger than 8 KiB")

// AutodiscoverRequest is what an Autodiscover POX request asks: whose
// settings, in which response schema.
type AutodiscoverRequest struct {
	// EMailAddress is the address as sent, trimmed, not yet validated:
	// run it through profile.ParseAddress before using it.
	EMailAddress string
	// Schema is the AcceptableResponseSchema; empty when the request
	// names none.
	Schema string
}

// Outlook reports whether the request asks for Outlook's 2006a response
// schema, the only one served (iOS's Exchange setup asks for MobileSync).
// A request that names no schema gets 2006a.
func (r AutodiscoverRequest) Outlook() bool {
	return r.Schema == "" || strings.EqualFold(r.Schema, OutlookSchema)
}

// RequestError is a request that cannot be parsed. Its message says why
// in general terms and never repeats the request.
type RequestError struct{ Reason string }

func (e *RequestError) Error() string { return "invalid Autodiscover request: " + e.Reason }

var utf8BOM = []byte("\xef\xbb\xbf")

// ReadAutodiscoverRequest reads at most MaxAutodiscoverRequest bytes of r
// and parses them; a longer body is ErrRequestTooLarge, and is not read
// further.
func ReadAutodiscoverRequest(r io.Reader) (AutodiscoverRequest, error) {
	body, err := io.ReadAll(io.LimitReader(r, MaxAutodiscoverRequest+1))
	if err != nil {
		return AutodiscoverRequest{}, err
	}
	if len(body) > MaxAutodiscoverRequest {
		return AutodiscoverRequest{}, ErrRequestTooLarge
	}
	return ParseAutodiscoverRequest(body)
}

// ParseAutodiscoverRequest parses a POX request:
//
//	<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
//	  <Request>
//	    <EMailAddress>fred@example.com</EMailAddress>
//	    <AcceptableResponseSchema>…/responseschema/2006a</AcceptableResponseSchema>
//	  </Request>
//	</Autodiscover>
//
// Element names are matched without regard to namespace or case, as
// clients vary (EmailAddress, a prefix, no namespace). A UTF-8 byte order
// mark is skipped. A DOCTYPE (and so every entity definition), other
// processing instructions, an undefined entity, nesting deeper than 8, a
// second root element or text outside it, a second EMailAddress or none
// are *RequestError. The body is parsed from
// memory, token by token: its size bounds the work.
func ParseAutodiscoverRequest(body []byte) (AutodiscoverRequest, error) {
	if len(body) > MaxAutodiscoverRequest {
		return AutodiscoverRequest{}, ErrRequestTooLarge
	}
	d := xml.NewDecoder(bytes.NewReader(bytes.TrimPrefix(body, utf8BOM)))
	d.Strict = true // undefined entities are errors, never passed through
	var (
		req    AutodiscoverRequest
		path   []string // lower-cased local names from the root
		text   strings.Builder
		emails int
		closed bool // the root element has ended
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return AutodiscoverRequest{}, &RequestError{Reason: "not well-formed XML"}
		}
		switch t := tok.(type) {
		case xml.Directive:
			return AutodiscoverRequest{}, &RequestError{Reason: "DOCTYPE and other declarations are not allowed"}
		case xml.ProcInst:
			if t.Target != "xml" || len(path) > 0 {
				return AutodiscoverRequest{}, &RequestError{Reason: "processing instructions are not allowed"}
			}
		case xml.StartElement:
			if closed {
				return AutodiscoverRequest{}, &RequestError{Reason: "more than one root element"}
			}
			if len(path) == maxRequestDepth {
				return AutodiscoverRequest{}, &RequestError{Reason: "elements are nested too deeply"}
			}
			path = append(path, strings.ToLower(t.Name.Local))
			if len(path) == 1 && path[0] != "autodiscover" {
				return AutodiscoverRequest{}, &RequestError{Reason: "the root element is not Autodiscover"}
			}
			text.Reset()
		case xml.CharData:
			if len(path) == 0 && len(bytes.TrimSpace(t)) > 0 {
				return AutodiscoverRequest{}, &RequestError{Reason: "text outside the root element"}
			}
			if text.Len()+len(t) > maxAddressText {
				return AutodiscoverRequest{}, &RequestError{Reason: "an element's text is too long"}
			}
			text.Write(t)
		case xml.EndElement:
			if inRequest(path, "emailaddress") {
				if emails++; emails > 1 {
					return AutodiscoverRequest{}, &RequestError{Reason: "more than one EMailAddress"}
				}
				req.EMailAddress = strings.TrimSpace(text.String())
			}
			if inRequest(path, "acceptableresponseschema") {
				req.Schema = strings.TrimSpace(text.String())
			}
			path = path[:len(path)-1]
			closed = len(path) == 0
			text.Reset()
		}
	}
	switch {
	case req.EMailAddress == "":
		return AutodiscoverRequest{}, &RequestError{Reason: "no EMailAddress"}
	case !utf8.ValidString(req.EMailAddress) || !utf8.ValidString(req.Schema):
		return AutodiscoverRequest{}, &RequestError{Reason: "text that is not UTF-8"}
	}
	return req, nil
}

// inRequest reports whether path is Autodiscover/Request/name.
func inRequest(path []string, name string) bool {
	return len(path) == 3 && path[1] == "request" && path[2] == name
}
