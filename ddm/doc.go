// Package ddm renders the declarations of Declarative Device Management
// for one mail domain and kind of account: the account configuration
// (com.apple.configuration.account.mail, .exchange or .google), the user
// identity asset it references and, for accounts that sign in with a
// password, a credential asset that points at the user name and never
// holds a password, so that the device asks for it. A DDM server serves
// them as they are, filling in each user's identity.
// https://developer.apple.com/documentation/devicemanagement/declarations
//
// Like profile and clientconf, it is pure: values in, bytes out.
package ddm
