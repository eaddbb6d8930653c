package store

import (
	"errors"
	"strings"
	"testing"
)

func TestValidatePassword(t *testing.T) {
	tests := []struct {
		name     string
		password string
		wantErr  string
	}{
		{name: "11 characters", password: strings.Repeat("a", 11), wantErr: "too short"},
		{name: "12 characters", password: strings.Repeat("a", 12)},
		{name: "12 characters of 2 bytes", password: strings.Repeat("é", 12)},
		{name: "6 characters of 2 bytes", password: strings.Repeat("é", 6), wantErr: "too short"},
		{name: "1024 characters", password: strings.Repeat("a", 1024)},
		{name: "1025 characters", password: strings.Repeat("a", 1025), wantErr: "too long"},
		{name: "empty", password: "", wantErr: "too short"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidatePassword(tt.password)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("ValidatePassword() = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestHashPassword(t *testing.T) {
	const pw = "correct horse battery staple"
	h1, err := HashPassword(pw)
	if err != nil {
		t.Fatalf("HashPassword() = %v", err)
	}
	h2, err := HashPassword(pw)
	if err != nil {
		t.Fatalf("HashPassword() = %v", err)
	}
	if h1 == h2 {
		t.Errorf("two hashes of one password are equal: %q", h1)
	}
	if !strings.HasPrefix(h1, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("HashPassword() = %q, want a PHC argon2id string with the test parameters", h1)
	}
	tests := []struct {
		name     string
		hash     string
		password string
		want     bool
	}{
		{name: "right", hash: h1, password: pw, want: true},
		{name: "right, other salt", hash: h2, password: pw, want: true},
		{name: "wrong", hash: h1, password: "correct horse battery stapler"},
		{name: "empty", hash: h1, password: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CheckPassword(tt.hash, tt.password)
			if err != nil || got != tt.want {
				t.Errorf("CheckPassword() = %v, %v, want %v", got, err, tt.want)
			}
		})
	}
	if _, err := HashPassword("short"); err == nil {
		t.Errorf("HashPassword(%q) = nil error, want too short", "short")
	}
}

// TestDefaultArgonParameters: the costs meet one of the settings OWASP's
// Password Storage Cheat Sheet rates as the minimum
// (https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#argon2id),
// and hashes carry them.
func TestDefaultArgonParameters(t *testing.T) {
	owasp := []argonCost{ // memory in KiB, passes, one lane
		{memory: 47104, time: 1, threads: 1},
		{memory: 19456, time: 2, threads: 1},
		{memory: 12288, time: 3, threads: 1},
		{memory: 9216, time: 4, threads: 1},
		{memory: 7168, time: 5, threads: 1},
	}
	meets := false
	for _, o := range owasp {
		meets = meets || defaultArgon.memory >= o.memory && defaultArgon.time >= o.time
	}
	if !meets {
		t.Errorf("defaultArgon = %+v, below every OWASP minimum %+v", defaultArgon, owasp)
	}
	saved := argonParams
	t.Cleanup(func() { argonParams = saved })
	argonParams = defaultArgon
	h, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatalf("HashPassword() = %v", err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("HashPassword() = %q, want m=19456,t=2,p=1", h)
	}
	if ok, err := CheckPassword(h, "correct horse battery staple"); !ok || err != nil {
		t.Errorf("CheckPassword() = %v, %v, want true", ok, err)
	}
	if NeedsRehash(h) {
		t.Errorf("NeedsRehash(%q) = true for a hash with today's parameters", h)
	}
	if got, want := HashMemory(), int64(19456*1024); got != want {
		t.Errorf("HashMemory() = %d, want %d", got, want)
	}
	if got, want := CheckMemory(h), int64(19456*1024); got != want {
		t.Errorf("CheckMemory(%q) = %d, want %d", h, got, want)
	}
}

func TestNeedsRehash(t *testing.T) {
	current, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	saved := argonParams
	argonParams = argonCost{memory: 128, time: 1, threads: 1}
	old, err := HashPassword("correct horse battery staple")
	argonParams = saved
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(current, "$")
	tests := []struct {
		name string
		hash string
		want bool
	}{
		{name: "current", hash: current},
		{name: "other memory", hash: old, want: true},
		{name: "other passes", hash: strings.Replace(current, ",t=1,", ",t=2,", 1), want: true},
		{name: "short salt", hash: strings.Join([]string{"", parts[1], parts[2], parts[3], "AAAAAAAAAAA", parts[5]}, "$"), want: true},
		{name: "malformed", hash: "$2a$10$abcdefghijklmnopqrstuu", want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NeedsRehash(tt.hash); got != tt.want {
				t.Errorf("NeedsRehash(%q) = %v, want %v", tt.hash, got, tt.want)
			}
		})
	}
	if got := CheckMemory(old); got != 128*1024 {
		t.Errorf("CheckMemory(old) = %d, want %d", got, 128*1024)
	}
	if got := CheckMemory("not a hash"); got != 0 {
		t.Errorf("CheckMemory(malformed) = %d, want 0", got)
	}
}

func TestCheckPasswordMalformed(t *testing.T) {
	good, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, "$")
	tests := []struct {
		name string
		hash string
	}{
		{name: "empty", hash: ""},
		{name: "bcrypt", hash: "$2a$10$abcdefghijklmnopqrstuuJ8w3Q8t6Q8t6Q8t6Q8t6Q8t6Q8t6Q8t6"},
		{name: "argon2i", hash: strings.Replace(good, "argon2id", "argon2i", 1)},
		{name: "old version", hash: strings.Replace(good, "v=19", "v=16", 1)},
		{name: "huge memory", hash: strings.Replace(good, "m=64,", "m=4294967295,", 1)},
		{name: "zero passes", hash: strings.Replace(good, "t=1,", "t=0,", 1)},
		{name: "bad salt", hash: strings.Join([]string{"", parts[1], parts[2], parts[3], "!!", parts[5]}, "$")},
		{name: "short hash", hash: strings.Join([]string{"", parts[1], parts[2], parts[3], parts[4], "AAAA"}, "$")},
		{name: "missing part", hash: strings.Join(parts[:5], "$")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := CheckPassword(tt.hash, "correct horse battery staple")
			if ok || !errors.Is(err, errBadHash) {
				t.Errorf("CheckPassword(%q) = %v, %v, want false, errBadHash", tt.hash, ok, err)
			}
		})
	}
}

func BenchmarkHashPassword(b *testing.B) {
	saved := argonParams
	b.Cleanup(func() { argonParams = saved })
	argonParams = defaultArgon
	for b.Loop() {
		if _, err := HashPassword("correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}
