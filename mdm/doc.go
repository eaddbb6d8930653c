// Package mdm makes the unsigned profile templates that company IT
// uploads to its device management service (Jamf, Intune, Kandji,
// Workspace ONE, Addigy …): one profile per domain and kind of account,
// with the vendor's own variables where each user's address, name and
// local part go. The MDM fills them in per user, then signs and pushes
// the profile. Like profile, it is pure: no files, no network.
package mdm
