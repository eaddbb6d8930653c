// Package goldentest compares generated documents with the golden files
// in a package's testdata/, or rewrites them with the package's -update
// flag, so that every renderer's tests read and update them alike.
package goldentest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// Check compares got with testdata/name, or writes it there when update
// is set. pkg names the package in the message that says how to update.
func Check(t testing.TB, pkg, name string, got []byte, update bool) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./%s -update to create it)", err, pkg)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./%s -update rewrites it)\n--- got\n%s\n--- want\n%s", name, pkg, got, want)
	}
}
