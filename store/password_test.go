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

func TestHashPasswordDefaultParameters(t *testing.T) {
	saved := argonParams
	t.Cleanup(func() { argonParams = saved })
	argonParams = argonCost{memory: 64 * 1024, time: 3, threads: 2}
	h, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatalf("HashPassword() = %v", err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Errorf("HashPassword() = %q, want m=65536,t=3,p=2", h)
	}
	if ok, err := CheckPassword(h, "correct horse battery staple"); !ok || err != nil {
		t.Errorf("CheckPassword() = %v, %v, want true", ok, err)
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
	argonParams = argonCost{memory: 64 * 1024, time: 3, threads: 2}
	for b.Loop() {
		if _, err := HashPassword("correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}
