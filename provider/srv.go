package provider

// SRVService is an RFC 6186 or RFC 8314 service name and the server it
// names: its type and socket type.
type SRVService struct {
	Name       string // e.g. _imaps._tcp
	Type       string // imap, pop3 or smtp
	SocketType string // SSL or STARTTLS
}

// SRVServices are the mail service names of RFC 6186 and RFC 8314 (which
// added _submissions), IMAP before POP3 before submission, implicit TLS
// before STARTTLS. It must not be modified.
var SRVServices = []SRVService{
	{"_imaps._tcp", "imap", SocketSSL},
	{"_imap._tcp", "imap", SocketSTARTTLS},
	{"_pop3s._tcp", "pop3", SocketSSL},
	{"_pop3._tcp", "pop3", SocketSTARTTLS},
	{"_submissions._tcp", "smtp", SocketSSL},
	{"_submission._tcp", "smtp", SocketSTARTTLS},
}
