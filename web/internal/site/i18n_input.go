package site

import "regexp"

// inputErrors translates the English messages of profile.InputError
// (ParseAddress, ParseName) that exactErrors does not, capturing the
// values they hold. TestLocalErrorComplete makes every input message
// there is come out in German and French, without English beside it.
var inputErrors = []struct {
	re   *regexp.Regexp
	key  string
	args []string // the placeholders the groups of re fill, in order
}{
	{regexp.MustCompile(`^this is too long to be an email address \(at most (\d+) characters\)`), "err.email_too_long", []string{"max"}},
	{regexp.MustCompile(`^the address contains bytes that are not valid text`), "err.email_bad_text", nil},
	{regexp.MustCompile(`^the address contains a control character or line break`), "err.email_control", nil},
	{regexp.MustCompile(`^the address contains an invisible or direction-changing character \((U\+[0-9A-F]+)\)`), "err.email_invisible", []string{"char"}},
	{regexp.MustCompile(`^enter only the address`), "err.email_only", nil},
	{regexp.MustCompile(`^the address is (\d+) characters long; the limit is (\d+)`), "err.email_length", []string{"n", "max"}},
	{regexp.MustCompile(`^the part before the @ is (\d+) characters long; the limit is (\d+)`), "err.local_length", []string{"n", "max"}},
	{regexp.MustCompile(`^the part before the @ cannot start or end with a dot`), "err.local_dots", nil},
	{regexp.MustCompile(`^the part before the @ may only use the letters`), "err.local_chars", nil},
	{regexp.MustCompile(`^the part before the @ cannot contain ('.*'|".*")$`), "err.local_char", []string{"char"}},
	{regexp.MustCompile(`^a quoted part before the @ must end with a quote`), "err.local_quote_end", nil},
	{regexp.MustCompile(`^a quoted part before the @ cannot end with a backslash`), "err.local_quote_backslash", nil},
	{regexp.MustCompile(`^a quote inside a quoted part must be escaped`), "err.local_quote_escape", nil},
	{regexp.MustCompile(`^the part before the @ may only use ASCII characters`), "err.local_ascii", nil},
	{regexp.MustCompile(`^the part after the @ is missing`), "err.domain_missing", nil},
	{regexp.MustCompile(`^addresses with an IP address instead of a domain name`), "err.domain_ip", nil},
	{regexp.MustCompile(`^the domain is too long \(at most (\d+) characters\)`), "err.domain_too_long", []string{"max"}},
	{regexp.MustCompile(`^(".*") is not a valid domain name$`), "err.domain_invalid", []string{"domain"}},
	{regexp.MustCompile(`^the domain is (\d+) characters long; the limit is (\d+)`), "err.domain_length", []string{"n", "max"}},
	{regexp.MustCompile(`^(".*") is not a full domain name`), "err.domain_no_dot", []string{"domain"}},
	{regexp.MustCompile(`^the domain has an empty part`), "err.domain_empty_label", nil},
	{regexp.MustCompile(`^a part of the domain is (\d+) characters long; the limit is (\d+)`), "err.domain_label_length", []string{"n", "max"}},
	{regexp.MustCompile(`^a part of the domain cannot start or end with a hyphen`), "err.domain_hyphen", nil},
	{regexp.MustCompile(`^the domain can only use letters, digits, hyphens and dots`), "err.domain_chars", nil},
	{regexp.MustCompile(`^the name has white space at either end`), "err.name_space", nil},
	{regexp.MustCompile(`^the name is not valid UTF-8 text`), "err.name_bad_text", nil},
	{regexp.MustCompile(`^the name is (\d+) characters long; the limit is (\d+)`), "err.name_length", []string{"n", "max"}},
	{regexp.MustCompile(`^the name contains a control character or line break`), "err.name_control", nil},
	{regexp.MustCompile(`^the name contains the non-character (U\+[0-9A-F]+)`), "err.name_nonchar", []string{"char"}},
}

// inputError is msg in the language of ms, when inputErrors knows it.
func inputError(ms Messages, msg string) (string, bool) {
	for _, e := range inputErrors {
		m := e.re.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		args := make([]any, 0, 2*len(e.args))
		for i, name := range e.args {
			args = append(args, name, m[i+1])
		}
		return ms.T(e.key, args...), true
	}
	return "", false
}
