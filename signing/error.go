package signing

// Part names the input a [LoadError] is about, so that the caller can name
// the right file.
type Part int

const (
	// PartCertificate is the certificate chain (leaf first).
	PartCertificate Part = iota + 1
	// PartKey is the private key.
	PartKey
)

// String returns "certificate" or "key".
func (p Part) String() string {
	switch p {
	case PartCertificate:
		return "certificate"
	case PartKey:
		return "key"
	}
	return "input"
}

// LoadError explains why [Load] refused a certificate chain or key. Problem is
// a lowercase sentence fit to show an operator; Err is the underlying cause,
// if any. The caller adds the file path.
type LoadError struct {
	Part    Part
	Problem string
	Err     error
}

// Error returns the part, the problem and the cause, e.g.
// "certificate: the leaf certificate expired on 2024-01-02 00:00 UTC".
func (e *LoadError) Error() string {
	msg := e.Part.String() + ": " + e.Problem
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the underlying cause.
func (e *LoadError) Unwrap() error { return e.Err }

func certError(problem string, err error) *LoadError {
	return &LoadError{Part: PartCertificate, Problem: problem, Err: err}
}

func keyError(problem string, err error) *LoadError {
	return &LoadError{Part: PartKey, Problem: problem, Err: err}
}
