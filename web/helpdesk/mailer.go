package helpdesk

import "context"

// Mailer sends a finished message through the operator's relay; the
// reply is the relay's answer to the message (its queue ID, typically).
// *mailer.Client satisfies it.
type Mailer interface {
	Send(ctx context.Context, from string, to []string, msg []byte) (reply string, err error)
}
