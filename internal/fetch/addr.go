package fetch

import (
	"fmt"
	"net/netip"
	"syscall"

	"github.com/vigil-hr/vigil/internal/errs"
)

// special lists the address blocks Vigil never connects to unless the
// operator allows private addresses: everything in IANA's special-purpose
// registries that is not plain global unicast, plus the blocks that embed or
// translate to IPv4 addresses (NAT64, 6to4, Teredo), since those can reach a
// private IPv4 network through a gateway.
var special = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		// IPv4
		"0.0.0.0/8",       // "this network", unspecified
		"10.0.0.0/8",      // private
		"100.64.0.0/10",   // carrier-grade NAT
		"127.0.0.0/8",     // loopback
		"169.254.0.0/16",  // link-local (cloud metadata lives here)
		"172.16.0.0/12",   // private
		"192.0.0.0/24",    // IETF protocol assignments
		"192.0.2.0/24",    // documentation
		"192.31.196.0/24", // AS112
		"192.52.193.0/24", // AMT
		"192.88.99.0/24",  // 6to4 relay anycast
		"192.168.0.0/16",  // private
		"192.175.48.0/24", // AS112 direct delegation
		"198.18.0.0/15",   // benchmarking
		"198.51.100.0/24", // documentation
		"203.0.113.0/24",  // documentation
		"224.0.0.0/4",     // multicast
		"240.0.0.0/4",     // reserved, and 255.255.255.255 broadcast
		// IPv6
		"::/128",         // unspecified
		"::1/128",        // loopback
		"::ffff:0:0/96",  // IPv4-mapped
		"::/96",          // IPv4-compatible (deprecated)
		"64:ff9b::/96",   // NAT64
		"64:ff9b:1::/48", // local-use NAT64
		"100::/64",       // discard
		"2001::/23",      // IETF protocol assignments, including Teredo
		"2001:db8::/32",  // documentation
		"2002::/16",      // 6to4
		"3fff::/20",      // documentation
		"5f00::/16",      // segment routing
		"fc00::/7",       // unique local
		"fe80::/10",      // link-local
		"fec0::/10",      // site-local (deprecated)
		"ff00::/8",       // multicast
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// Public reports whether ip is an ordinary public unicast address: not
// private, loopback, link-local, multicast, unspecified, CGNAT, IPv4-mapped or
// in any other special-purpose block.
func Public(ip netip.Addr) bool {
	if !ip.IsValid() || ip.Zone() != "" {
		return false
	}
	for _, p := range special {
		if p.Contains(ip) {
			return false
		}
	}
	return ip.IsGlobalUnicast()
}

// checkAddr refuses a connection to a non-public address.
func checkAddr(ip netip.Addr, opts Options) error {
	public := Public
	if opts.isPublic != nil {
		public = opts.isPublic
	}
	if opts.AllowPrivate || public(ip) {
		return nil
	}
	return errs.E(errs.Forbidden, "refusing to connect to %s: not a public address (the operator can allow private addresses)", ip)
}

// dialControl is installed as net.Dialer.Control: it runs after name
// resolution, on the very address the socket is about to connect to, so a
// name that resolves to a public address once and a private one the next
// time (DNS rebinding) cannot slip through.
func dialControl(opts Options) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("refusing to connect to %q: %w", address, err)
		}
		return checkAddr(ap.Addr(), opts)
	}
}
