package profile

// InputError is a problem with what the user typed. Its Message is safe to
// show to the user as plain text; Field names the form field.
type InputError struct {
	Field   string
	Message string
}

func (e *InputError) Error() string { return e.Field + ": " + e.Message }
