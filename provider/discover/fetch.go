package discover

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"time"
	"unicode/utf8"
)

const (
	// maxBody is the most of a response read; the largest ISPDB file is
	// about 6 KiB.
	maxBody = 64 << 10
	// maxRedirects is how many redirects a fetch follows.
	maxRedirects = 3
	userAgent    = "mailprofile (+https://github.com/mailprofile/mailprofile)"
)

// errHTTPNotFound is an HTTP 404 or 410: the file is not there.
var errHTTPNotFound = errors.New("not found")

// newGuardedClient returns the HTTP client for URLs derived from a
// visitor's address: every connection, redirects included, goes through
// d; only https on the default port; no proxy, no cookies, no reuse.
func newGuardedClient(d *dialer, roots *x509.CertPool, timeout time.Duration) *http.Client {
	tr := &http.Transport{
		Proxy:                  nil, // a proxy would connect on our behalf, past the guard
		DialContext:            d.DialContext,
		TLSClientConfig:        &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    timeout,
		ResponseHeaderTimeout:  timeout,
		DisableKeepAlives:      true,
		MaxResponseHeaderBytes: 16 << 10,
	}
	return &http.Client{Transport: tr, CheckRedirect: checkRedirect(true)}
}

// newTrustedClient returns the HTTP client for the operator's ISPDB URL:
// no guard, the environment's proxy settings honoured.
func newTrustedClient(roots *x509.CertPool, timeout time.Duration) *http.Client {
	tr := &http.Transport{
		Proxy:                  http.ProxyFromEnvironment,
		DialContext:            (&net.Dialer{Timeout: timeout}).DialContext,
		TLSClientConfig:        &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    timeout,
		ResponseHeaderTimeout:  timeout,
		MaxIdleConnsPerHost:    4,
		IdleConnTimeout:        time.Minute,
		MaxResponseHeaderBytes: 16 << 10,
	}
	return &http.Client{Transport: tr, CheckRedirect: checkRedirect(false)}
}

func checkRedirect(guarded bool) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) > maxRedirects {
			return fmt.Errorf("more than %d redirects", maxRedirects)
		}
		if guarded {
			return checkGuardedURL(req.URL)
		}
		if req.URL.Scheme != "https" && req.URL.Scheme != "http" {
			return fmt.Errorf("redirect to a %s URL", req.URL.Scheme)
		}
		return nil
	}
}

// checkGuardedURL admits https URLs on the default port only.
func checkGuardedURL(u *url.URL) error {
	if u.Scheme != "https" {
		return &RefusedError{Host: u.Host, Reason: "not an https URL"}
	}
	if p := u.Port(); p != "" && p != "443" {
		return &RefusedError{Host: u.Host, Reason: "not the https port"}
	}
	return nil
}

// fetchXML gets a clientConfig document: status 200, an XML content type,
// at most maxBody bytes.
func fetchXML(ctx context.Context, c *http.Client, rawURL string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/xml, text/xml")
	req.Header.Set("User-Agent", userAgent)
	resp, err := c.Do(req)
	if err != nil {
		return nil, unwrapURLError(err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return nil, fmt.Errorf("HTTP %d: %w", resp.StatusCode, errHTTPNotFound)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	if err := checkXMLType(resp.Header.Get("Content-Type")); err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxBody {
		return nil, fmt.Errorf("response is larger than %d KiB", maxBody>>10)
	}
	return body, nil
}

// checkXMLType admits text/xml and application/xml, as Thunderbird does.
func checkXMLType(ct string) error {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || (mt != "text/xml" && mt != "application/xml") {
		return fmt.Errorf("content type %q is not text/xml or application/xml", truncate(ct, 60))
	}
	return nil
}

// unwrapURLError drops *url.Error's "Get <url>:" prefix; the step's
// target already names the URL.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err
	}
	return err
}

// truncate cuts s to at most n bytes, on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
