package provider

// Method names how a set of settings was found.
type Method string

// The methods, in the order discovery tries them.
const (
	MethodCatalog    Method = "catalog"    // built-in catalog or the operator's --providers folder
	MethodAutoconfig Method = "autoconfig" // the provider's own HTTPS autoconfig
	MethodISPDB      Method = "ispdb"      // the ISPDB service
	MethodMX         Method = "mx"         // catalog, autoconfig or ISPDB of the domain's mail exchanger
	MethodSRV        Method = "srv"        // RFC 6186 / RFC 8314 SRV records
	MethodProbe      Method = "probe"      // guessed host names, checked by connecting
)

// Confidence says how far the settings can be trusted.
type Confidence string

// The confidence levels.
const (
	// ConfidenceHigh: the operator's catalog, the provider's own HTTPS
	// autoconfig for the address's domain, or the curated ISPDB.
	ConfidenceHigh Confidence = "high"
	// ConfidenceMedium: inferred from unauthenticated DNS (MX, SRV).
	ConfidenceMedium Confidence = "medium"
	// ConfidenceLow: guessed host names that answered like mail servers.
	ConfidenceLow Confidence = "low"
)

// Origin records where a Settings value came from. The zero value means
// the catalog, which is what Catalog.Find returns.
type Origin struct {
	Method     Method     `json:"method"`
	Confidence Confidence `json:"confidence"`
	// Via is what was asked, for people: a URL, an MX host, a DNS name.
	Via string `json:"via,omitempty"`
}

// Discovered reports whether the settings were found at run time rather
// than read from the operator's catalog. A signature is the operator
// vouching for the servers inside, so discovered settings are served
// unsigned unless the operator chooses otherwise.
func (o Origin) Discovered() bool { return o.Method != "" && o.Method != MethodCatalog }
