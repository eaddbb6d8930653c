package profile

import (
	"encoding/xml"
	"strconv"
)

// encode writes doc as an XML property list, byte for byte what
// howett.net/plist's MarshalIndent(doc, plist.XMLFormat, "\t") writes for
// it without the tabs that start its lines (encode_test.go holds the
// library to that): the same header, one element per line, keys in
// sorted order, empty strings as <string/>, omitempty honoured, and text
// escaped by encoding/xml. A profile has one of three fixed shapes, so walking it
// directly saves the library's reflection and most of the allocations:
// about three quarters of the time of Build.
//
// The indentation is left out: it is about 200 bytes of every profile,
// for nothing a device reads. Without it a profile signed with a
// P-256 certificate and its intermediate, with its download headers, fits
// the 4 KiB that net/http writes to the connection at once, so it leaves
// in one write instead of two (docs/performance.md). Line by line, the
// golden files still diff well.
//
// It appends to dst, or to a new slice of the usual profile's size when
// dst has no room.
func encode(dst []byte, doc configuration) []byte {
	if cap(dst) == 0 {
		dst = make([]byte, 0, 3072)
	}
	e := encoder{buf: dst}
	e.buf = append(e.buf, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">`+"\n"...)
	e.open(`plist version="1.0"`)
	e.open("dict")
	e.key("PayloadContent")
	e.open("array")
	for _, p := range doc.PayloadContent {
		encodePayload(&e, p)
	}
	e.close("array")
	e.optStr("PayloadDescription", doc.PayloadDescription)
	e.str("PayloadDisplayName", doc.PayloadDisplayName)
	e.str("PayloadIdentifier", doc.PayloadIdentifier)
	e.optStr("PayloadOrganization", doc.PayloadOrganization)
	e.str("PayloadScope", doc.PayloadScope)
	e.str("PayloadType", doc.PayloadType)
	e.str("PayloadUUID", doc.PayloadUUID)
	e.integer("PayloadVersion", doc.PayloadVersion)
	if doc.TargetDeviceType != 0 { // omitempty
		e.integer("TargetDeviceType", doc.TargetDeviceType)
	}
	e.close("dict")
	e.close("plist")
	return e.buf
}

// encodePayload writes p. It calls each kind's encodeTo directly rather
// than through the interface: the compiler then sees that neither the
// payloads nor the encoder outlive encode, and keeps them off the heap
// (two allocations per profile, one of them the 400-byte mail payload).
func encodePayload(e *encoder, p payload) {
	switch p := p.(type) {
	case mailPayload:
		p.encodeTo(e)
	case exchangePayload:
		p.encodeTo(e)
	case googlePayload:
		p.encodeTo(e)
	case davPayload:
		p.encodeTo(e)
	default:
		panic("profile: a kind of payload without a case in encodePayload") // p itself would make it escape
	}
}

// encodeTo writes one mail payload; the keys are in the order plist
// sorts them.
func (p mailPayload) encodeTo(e *encoder) {
	e.open("dict")
	e.str("EmailAccountDescription", p.EmailAccountDescription)
	e.optStr("EmailAccountName", p.EmailAccountName)
	e.str("EmailAccountType", p.EmailAccountType)
	e.str("EmailAddress", p.EmailAddress)
	e.str("IncomingMailServerAuthentication", p.IncomingMailServerAuthentication)
	e.str("IncomingMailServerHostName", p.IncomingMailServerHostName)
	e.integer("IncomingMailServerPortNumber", p.IncomingMailServerPortNumber)
	e.boolean("IncomingMailServerUseSSL", p.IncomingMailServerUseSSL)
	e.optStr("IncomingMailServerUsername", p.IncomingMailServerUsername)
	e.str("OutgoingMailServerAuthentication", p.OutgoingMailServerAuthentication)
	e.str("OutgoingMailServerHostName", p.OutgoingMailServerHostName)
	e.integer("OutgoingMailServerPortNumber", p.OutgoingMailServerPortNumber)
	e.boolean("OutgoingMailServerUseSSL", p.OutgoingMailServerUseSSL)
	e.optStr("OutgoingMailServerUsername", p.OutgoingMailServerUsername)
	e.boolean("OutgoingPasswordSameAsIncomingPassword", p.OutgoingPasswordSameAsIncomingPassword)
	e.optStr("PayloadDescription", p.PayloadDescription)
	e.str("PayloadDisplayName", p.PayloadDisplayName)
	e.str("PayloadIdentifier", p.PayloadIdentifier)
	e.optStr("PayloadOrganization", p.PayloadOrganization)
	e.str("PayloadType", p.PayloadType)
	e.str("PayloadUUID", p.PayloadUUID)
	e.integer("PayloadVersion", p.PayloadVersion)
	e.close("dict")
}

// encoder mirrors the library's xmlPlistGenerator, less its indentation:
// a newline before every line but the first, and no tabs.
type encoder struct {
	buf     []byte
	started bool
}

func (e *encoder) newline() {
	if e.started {
		e.buf = append(e.buf, '\n')
	}
	e.started = true
}

func (e *encoder) open(tag string) {
	e.newline()
	e.buf = append(append(append(e.buf, '<'), tag...), '>')
}

func (e *encoder) close(tag string) {
	e.newline()
	e.buf = append(append(append(e.buf, "</"...), tag...), '>')
}

// element writes <tag>text</tag>, or <tag/> for empty text.
func (e *encoder) element(tag, text string) {
	e.newline()
	if text == "" {
		e.buf = append(append(append(e.buf, '<'), tag...), "/>"...)
		return
	}
	e.buf = append(append(append(e.buf, '<'), tag...), '>')
	e.text(text)
	e.buf = append(append(append(e.buf, "</"...), tag...), '>')
}

// text appends s escaped. Printable ASCII other than "'&<> is written as
// is by xml.EscapeText too; anything else goes through it.
func (e *encoder) text(s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c >= 0x7f, c == '"', c == '\'', c == '&', c == '<', c == '>':
			// A copy of the slice goes behind the io.Writer, so that only
			// this rare case, and not every encoder, is on the heap.
			buf := e.buf
			_ = xml.EscapeText(appendWriter{&buf}, []byte(s)) // appendWriter never fails
			e.buf = buf
			return
		}
	}
	e.buf = append(e.buf, s...)
}

func (e *encoder) key(k string) { e.element("key", k) }

func (e *encoder) str(k, v string) {
	e.key(k)
	e.element("string", v)
}

// optStr writes a field tagged omitempty: nothing when v is empty.
func (e *encoder) optStr(k, v string) {
	if v != "" {
		e.str(k, v)
	}
}

func (e *encoder) integer(k string, n int) {
	e.key(k)
	e.newline()
	e.buf = strconv.AppendInt(append(e.buf, "<integer>"...), int64(n), 10)
	e.buf = append(e.buf, "</integer>"...)
}

func (e *encoder) boolean(k string, v bool) {
	e.key(k)
	e.newline()
	if v {
		e.buf = append(e.buf, "<true/>"...)
	} else {
		e.buf = append(e.buf, "<false/>"...)
	}
}

// appendWriter is an io.Writer that appends to a byte slice.
type appendWriter struct{ buf *[]byte }

func (w appendWriter) Write(p []byte) (int, error) {
	*w.buf = append(*w.buf, p...)
	return len(p), nil
}
