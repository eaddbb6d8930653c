package provider

import (
	"fmt"
	"strings"
	"testing"
)

// checkHostnameRef is checkHostname's label checks as first written, with
// strings.Split: the reference the label loop is held to.
func checkHostnameRef(h string) error {
	if err := checkHostnameChars(h); err != nil {
		return err
	}
	labels := strings.Split(h, ".")
	if len(labels) < 2 {
		return fmt.Errorf("hostname %q is not a fully qualified domain name", h)
	}
	for _, l := range labels {
		switch {
		case l == "":
			return fmt.Errorf("hostname %q has an empty label", h)
		case len(l) > 63:
			return fmt.Errorf("hostname %q has a label longer than 63 characters", truncate(h, 64))
		case l[0] == '-' || l[len(l)-1] == '-':
			return fmt.Errorf("hostname %q has a label that starts or ends with a hyphen", h)
		}
	}
	if strings.Trim(labels[len(labels)-1], "0123456789") == "" {
		return fmt.Errorf("hostname %q is an IP address, not a name", h)
	}
	return nil
}

// checkHostnameChars is the part of checkHostname before the labels.
func checkHostnameChars(h string) error {
	switch {
	case h == "":
		return fmt.Errorf("no hostname")
	case len(h) > 253:
		return fmt.Errorf("hostname is %d characters long; the limit is 253", len(h))
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return fmt.Errorf("hostname %q may only contain letters, digits, dots and hyphens", truncate(h, 64))
		}
	}
	return nil
}

var hostnameSeeds = []string{
	"mail.btinternet.com", "localhost", "a..b", ".a.b", "a.b.", "-a.b", "a-.b", "a.b-",
	"1.2.3.4", "a.123", strings.Repeat("x", 64) + ".com", "", "a.b.c.d.e",
}

func TestCheckHostnameLabels(t *testing.T) {
	for _, h := range hostnameSeeds {
		checkHostnameSame(t, h)
	}
}

func FuzzCheckHostname(f *testing.F) {
	for _, h := range hostnameSeeds {
		f.Add(h)
	}
	f.Fuzz(checkHostnameSame)
}

func checkHostnameSame(t *testing.T, h string) {
	got, want := fmt.Sprint(checkHostname(h)), fmt.Sprint(checkHostnameRef(h))
	if got != want {
		t.Errorf("checkHostname(%q) = %s, want %s", h, got, want)
	}
}

// TestCheckHostnameAllocs: it runs for every server of every download.
func TestCheckHostnameAllocs(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { _ = checkHostname("mail.btinternet.com") }); n != 0 {
		t.Errorf("checkHostname makes %v allocations, want 0", n)
	}
}
