package clientconf

import (
	"encoding/json"
	"strings"
)

// AutodiscoverV2ContentType is the media type of Autodiscover v2 answers.
const AutodiscoverV2ContentType = "application/json; charset=utf-8"

// The Autodiscover v2 protocol served: the redirect to the POX document.
const autodiscoverV1 = "AutodiscoverV1"

// microsoftProtocols are the other protocol names Autodiscover v2 knows
// (lower case). They are answered "not served" (404); any other name is
// invalid (400), as Microsoft answers it.
var microsoftProtocols = map[string]bool{
	"activesync": true, "ews": true, "rest": true, "substrate": true,
	"substratesearchservice": true, "substratenotificationservice": true,
	"outlookmeetingscheduler": true, "outlookpay": true, "actions": true,
	"connectors": true, "connectorsprocessors": true, "connectorswebhook": true,
	"notesclient": true, "owa": true, "xrm": true, "outlooklocationsservice": true,
	"outlookcloudsettingsservice": true, "outlooktailoredexperiences": true,
	"outlookwebhookservice": true, "autodiscoverv2": true,
}

// V2Protocol classifies the Protocol of an Autodiscover v2 request:
// served (AutodiscoverV1, in any case), known to Microsoft but not
// served, or invalid.
type V2Protocol int

// The classes of V2Protocol.
const (
	V2Invalid V2Protocol = iota
	V2Served
	V2NotServed
)

// ClassifyV2Protocol says what kind of protocol name p is.
func ClassifyV2Protocol(p string) V2Protocol {
	switch l := strings.ToLower(p); {
	case l == strings.ToLower(autodiscoverV1):
		return V2Served
	case microsoftProtocols[l]:
		return V2NotServed
	}
	return V2Invalid
}

// v2Answer is the body of an Autodiscover v2 answer; Microsoft writes the
// keys in this order.
type v2Answer struct {
	Protocol string `json:"Protocol"`
	URL      string `json:"Url"`
}

type v2Error struct {
	ErrorCode    string `json:"ErrorCode"`
	ErrorMessage string `json:"ErrorMessage"`
}

// AutodiscoverV2 returns the v2 answer that sends a client on to the POX
// document for an address of domain (lower-case A-labels), at
// https://autodiscover.<domain>/autodiscover/autodiscover.xml, the name
// `mailprofile dns` has the operator publish.
func AutodiscoverV2(domain string) []byte {
	return marshalJSON(v2Answer{Protocol: autodiscoverV1, URL: "https://autodiscover." + domain + "/autodiscover/autodiscover.xml"})
}

// AutodiscoverV2Error returns a v2 error in Microsoft's shape,
// {"ErrorCode":…,"ErrorMessage":…}. Neither may come from the request.
func AutodiscoverV2Error(code, message string) []byte {
	return marshalJSON(v2Error{ErrorCode: code, ErrorMessage: message})
}

// marshalJSON is compact JSON of v, whose types always marshal. <, >
// and & are escaped, as everywhere in this project's JSON.
func marshalJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return []byte("{}")
	}
	return b
}
