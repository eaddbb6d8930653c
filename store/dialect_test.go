package store

import "testing"

func TestRebind(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{name: "none", in: "SELECT 1", want: "SELECT 1"},
		{name: "several", in: "a = ? AND b IN (?, ?)", want: "a = $1 AND b IN ($2, $3)"},
		{name: "quoted", in: `x LIKE ? ESCAPE '\' AND y = '?' AND z = ?`, want: `x LIKE $1 ESCAPE '\' AND y = '?' AND z = $2`},
		{name: "doubled quote", in: "a = 'it''s ?' AND b = ?", want: "a = 'it''s ?' AND b = $1"},
	}
	pg := &Store{dialect: Postgres}
	lite := &Store{dialect: SQLite}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pg.q(tt.in); got != tt.want {
				t.Errorf("q(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got := lite.q(tt.in); got != tt.in {
				t.Errorf("SQLite q(%q) = %q, want it unchanged", tt.in, got)
			}
		})
	}
}
