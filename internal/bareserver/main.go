// Command bareserver is the ceiling scripts/loadtest measures mailprofile
// against: a plain net/http server that answers every request with the
// bytes of one file and the headers of a profile download, and nothing
// else (no router, no middleware, no log). No HTTP server on the same core
// can answer a cached download faster, so "cached download / bare" says
// how much of a request's cost is mailprofile's own.
//
// With --sign-key it also signs, for every request, the SHA-256 of the
// request's URL with that key (rsa.SignPKCS1v15 or ecdsa.SignASN1 through
// the key's crypto.Signer, the raw operations scripts/loadtest times), and
// puts the signature in the body's last bytes. That is the ceiling of an
// uncached download: one HTTP answer and one signature, with no profile
// built and no CMS around it, so "bare with a signature / raw signature"
// is the best "uncached download / raw signature" can be on that core.
//
//	go run ./internal/bareserver --addr 127.0.0.1:8081 --file profile.mobileconfig [--sign-key key.pem]
package main

import (
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "listen address")
	file := flag.String("file", "", "the body to answer with (required)")
	ctype := flag.String("content-type", "application/x-apple-aspen-config", "the Content-Type header")
	keyFile := flag.String("sign-key", "", "a PEM private key (RSA or ECDSA) to sign every request's URL with")
	flag.Parse()
	if *file == "" {
		fmt.Fprintln(os.Stderr, "bareserver: --file is required")
		os.Exit(2)
	}
	body, err := os.ReadFile(*file)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bareserver:", err)
		os.Exit(1)
	}
	var signer crypto.Signer
	if *keyFile != "" {
		if signer, err = readKey(*keyFile); err != nil {
			fmt.Fprintln(os.Stderr, "bareserver:", err)
			os.Exit(1)
		}
	}
	srv := &http.Server{Addr: *addr, Handler: newHandler(body, *ctype, signer), ReadHeaderTimeout: 10 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		fmt.Fprintln(os.Stderr, "bareserver:", err)
		os.Exit(1)
	}
}

// newHandler answers every request with body, as a download of ctype, and
// when signer is set, puts the signature of the request's URL in its last bytes.
func newHandler(body []byte, ctype string, signer crypto.Signer) http.Handler {
	length := strconv.Itoa(len(body))
	// A signed answer is the body with its last bytes replaced by the
	// signature, in a buffer of the pool: the same length as the file.
	bufs := sync.Pool{New: func() any { return new([]byte) }}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		out := body
		if signer != nil {
			digest := sha256.Sum256([]byte(r.RequestURI))
			sig, err := signer.Sign(rand.Reader, digest[:], crypto.SHA256)
			if err != nil || len(sig) > len(body) {
				http.Error(w, "cannot sign", http.StatusInternalServerError)
				return
			}
			buf := bufs.Get().(*[]byte)
			defer bufs.Put(buf)
			*buf = append((*buf)[:0], body...)
			copy((*buf)[len(body)-len(sig):], sig)
			out = *buf
		}
		// The headers mailprofile sends with a cached download, so that
		// both write the same bytes (the request ID is a fixed one of
		// the same length).
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Disposition", `attachment; filename="repeated0@btinternet.com.mobileconfig"`)
		h.Set("Content-Length", length)
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; sandbox")
		h.Set("Content-Type", ctype)
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Request-Id", "5153bbb3c3f7486a8f6a953f0033dc6a")
		w.Write(out)
	})
}

// readKey reads a PEM private key: PKCS #8, SEC 1 (EC) or PKCS #1 (RSA),
// the forms openssl writes.
func readKey(path string) (crypto.Signer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%s: no PEM block", path)
	}
	var key any
	if key, err = x509.ParsePKCS8PrivateKey(block.Bytes); err != nil {
		if key, err = x509.ParseECPrivateKey(block.Bytes); err != nil {
			if key, err = x509.ParsePKCS1PrivateKey(block.Bytes); err != nil {
				return nil, fmt.Errorf("%s: not a PKCS #8, EC or PKCS #1 private key", path)
			}
		}
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, errors.New(path + ": the key cannot sign")
	}
	return signer, nil
}
