package web

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/mailprofile/mailprofile/profile"
)

// deviceKind is what the visitor's device can do with a profile, which
// decides the steps the review page shows first.
type deviceKind string

const (
	// deviceIOS is an iPhone or iPad in a browser that hands a downloaded
	// profile to Settings: Safari, or Chrome 95 and later.
	deviceIOS deviceKind = "ios"
	// deviceIOSSaveOnly is an iPhone or iPad in a browser or an app's
	// built-in browser that can only save the file (Firefox, Edge, the
	// Google app, Facebook, Instagram, …).
	deviceIOSSaveOnly deviceKind = "ios-save-only"
	// deviceMac is a Mac, or an iPad with iPadOS 13 or later, which sends
	// the Mac's User-Agent; a small script tells them apart by touch.
	deviceMac deviceKind = "mac"
	// deviceOther is Windows, Linux, Android or anything unknown.
	deviceOther deviceKind = "other"
)

// device is what the User-Agent tells about the visitor's device.
type device struct {
	Kind deviceKind
	// Browser names an iOS browser or app other than Safari, such as
	// "Chrome" or "Instagram"; empty for Safari and for an app that does
	// not say its name.
	Browser string
	// IOS is the major iOS version, 0 when unknown.
	IOS int
	// MacOS is the major macOS version (10 for 10.x), 0 when the
	// User-Agent does not tell: Safari, Chrome and Firefox all freeze it
	// at 10.15.
	MacOS int
}

// iosApps are User-Agent tokens of iOS browsers and apps whose built-in
// browser saves a profile instead of installing it, with their names.
// Checked in order; the first that matches wins.
var iosApps = []struct{ token, name string }{
	{"FxiOS/", "Firefox"},
	{"EdgiOS/", "Edge"},
	{"OPiOS/", "Opera"},
	{"OPT/", "Opera"},
	{"DuckDuckGo/", "DuckDuckGo"},
	{"YaBrowser/", "Yandex Browser"},
	{"GSA/", "Google"},
	{"FBAN/", "Facebook"},
	{"FBAV/", "Facebook"},
	{"Instagram", "Instagram"},
	{" Line/", "LINE"},
	{"MicroMessenger/", "WeChat"},
	{"Snapchat", "Snapchat"},
	{"LinkedInApp", "LinkedIn"},
	{"Pinterest", "Pinterest"},
	{"musical_ly", "TikTok"},
	{"BytedanceWebview", "TikTok"},
	{"Twitter", "X"},
}

var (
	iosVersion   = regexp.MustCompile(`(?:iPhone OS|CPU OS|iPod OS) (\d+)_`)
	macVersion   = regexp.MustCompile(`Mac OS X (\d+)[._](\d+)`)
	chromeIOSVer = regexp.MustCompile(`CriOS/(\d+)`)
)

// chromeHandsOff is the first Chrome for iOS that passes a downloaded
// profile on to Settings.
const chromeHandsOff = 95

// detectDevice reads the User-Agent. When in doubt it answers deviceOther,
// whose page offers every way: a QR code, the download and the settings.
func detectDevice(ua string) device {
	switch {
	case strings.Contains(ua, "Windows Phone"), strings.Contains(ua, "Android"):
		return device{Kind: deviceOther}
	case strings.Contains(ua, "iPhone"), strings.Contains(ua, "iPad"), strings.Contains(ua, "iPod"):
		return detectIOS(ua)
	case strings.Contains(ua, "Macintosh"):
		d := device{Kind: deviceMac}
		if m := macVersion.FindStringSubmatch(ua); m != nil {
			major, _ := strconv.Atoi(m[1])
			minor, _ := strconv.Atoi(m[2])
			switch {
			case major == 10 && minor >= 15:
				// Frozen at 10.15(.7) since 2020: could be any version.
			case major >= 10:
				d.MacOS = major
			}
		}
		return d
	}
	return device{Kind: deviceOther}
}

func detectIOS(ua string) device {
	d := device{Kind: deviceIOS}
	if m := iosVersion.FindStringSubmatch(ua); m != nil {
		d.IOS, _ = strconv.Atoi(m[1])
	}
	if m := chromeIOSVer.FindStringSubmatch(ua); m != nil {
		d.Browser = "Chrome"
		if v, _ := strconv.Atoi(m[1]); v < chromeHandsOff {
			d.Kind = deviceIOSSaveOnly
		}
		return d
	}
	for _, app := range iosApps {
		if strings.Contains(ua, app.token) {
			d.Kind, d.Browser = deviceIOSSaveOnly, app.name
			return d
		}
	}
	if !strings.Contains(ua, "Safari/") {
		// A WKWebView inside an app that does not name itself.
		d.Kind = deviceIOSSaveOnly
	}
	return d
}

// macPlace is where System Settings keeps downloaded profiles on the
// visitor's macOS version: "device-management" (15 and later), "privacy"
// (13 and 14), "preferences" (12 and before), or "" when unknown.
func (d device) macPlace() string {
	switch {
	case d.MacOS >= 15:
		return "device-management"
	case d.MacOS >= 13:
		return "privacy"
	case d.MacOS > 0:
		return "preferences"
	}
	return ""
}

// SafariLink reports whether the x-safari-https:// scheme, which opens a
// page in Safari, works: iOS 17 and later.
func (d device) SafariLink() bool { return d.IOS == 0 || d.IOS >= 17 }

// deviceName is a short name of the visitor's device for the audit
// trail, such as "iPhone" or "iPhone (Instagram)".
func deviceName(ua string) string {
	name := "other"
	for _, k := range []struct{ token, name string }{
		{"iPhone", "iPhone"}, {"iPad", "iPad"}, {"iPod", "iPod"}, {"Macintosh", "Mac"},
		{"Android", "Android"}, {"Windows", "Windows"}, {"CrOS", "ChromeOS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, k.token) {
			name = k.name
			break
		}
	}
	if d := detectDevice(ua); d.Browser != "" {
		name += " (" + d.Browser + ")"
	}
	return name
}

// withParam is d with the device parameter applied: "ios" makes it an
// iPhone or iPad, "macos" a Mac. What the User-Agent told stays when it
// names that same kind of device; otherwise versions are unknown.
func (d device) withParam(param string) device {
	switch {
	case param == deviceParamIOS && !d.onIOS():
		return device{Kind: deviceIOS}
	case param == deviceParamMac && d.Kind != deviceMac:
		return device{Kind: deviceMac}
	}
	return d
}

// requestDevice is the visitor's device: the User-Agent's, unless the
// device parameter (already checked by parseDevice) says otherwise.
func requestDevice(ua, param string) device { return detectDevice(ua).withParam(param) }

// onIOS reports whether d is an iPhone, iPad or iPod touch, in any browser.
func (d device) onIOS() bool { return d.Kind == deviceIOS || d.Kind == deviceIOSSaveOnly }

// installs reports whether a profile of kind k installs on d and works
// there (profile/kind.go has Apple's facts): a mail account everywhere
// (iOS 4 is older than any browser that asks), an Exchange or Google
// account on an iPhone or iPad whose iOS supports it (any, when the
// version is unknown) but not on a Mac. Any other device installs nothing
// itself but may pass the file on to an iPhone, so it may download every
// kind. The fast path relies on mail accounts installing everywhere.
func (d device) installs(k profile.Protocol) bool {
	switch {
	case k.OnMac():
		return true
	case d.onIOS():
		return d.IOS == 0 || d.IOS >= k.MinIOS()
	case d.Kind == deviceMac:
		return k.OnMac()
	}
	return true
}

// installMask is the set of kinds d installs, one bit each in
// profile.Kinds order: all a download's answer depends on besides the
// query, so the fast path keys on it.
func (d device) installMask() byte {
	var m byte
	for i, k := range profile.Kinds {
		if d.installs(k) {
			m |= 1 << i
		}
	}
	return m
}

// installMaskOf is requestDevice(ua, param).installMask() without the
// regular expressions and the browser's name, which the mask does not
// depend on: the fast path reads it for every repeat download that is not
// IMAP or POP. FuzzDetectDevice holds the two to the same answers.
func installMaskOf(ua, param string) byte {
	d := device{Kind: deviceOther}
	switch {
	case strings.Contains(ua, "Windows Phone"), strings.Contains(ua, "Android"):
	case strings.Contains(ua, "iPhone"), strings.Contains(ua, "iPad"), strings.Contains(ua, "iPod"):
		d = device{Kind: deviceIOS, IOS: iosMajor(ua)}
	case strings.Contains(ua, "Macintosh"):
		d.Kind = deviceMac
	}
	return d.withParam(param).installMask()
}

// iosMajor is what iosVersion finds: the digits before the first "_"
// after the first of "iPhone OS ", "CPU OS " or "iPod OS " that has them,
// leftmost first, or 0.
func iosMajor(ua string) int {
	for i := 0; i < len(ua); i++ {
		for _, tok := range [...]string{"iPhone OS ", "CPU OS ", "iPod OS "} {
			if !strings.HasPrefix(ua[i:], tok) {
				continue
			}
			rest := ua[i+len(tok):]
			n := 0
			for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
				n++
			}
			if n > 0 && n < len(rest) && rest[n] == '_' {
				v, _ := strconv.Atoi(rest[:n])
				return v
			}
		}
	}
	return 0
}
