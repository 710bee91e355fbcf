// Is a login's source address inside one of the user's networks? ipaddr.js
// parses both (the same parser the CLI checks allowedSourceCidrs with,
// cli/engine/endpoint/networks.ts); an address or network that does not parse
// matches nothing, so a bad entry denies rather than admits.
import ipaddr from 'ipaddr.js';

export function sourceAllowed(sourceIp: string, cidrs: readonly string[]): boolean {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.process(sourceIp); // an IPv4-mapped IPv6 address counts as its IPv4 one
  } catch {
    return false;
  }
  return cidrs.some((cidr) => {
    try {
      const range = ipaddr.parseCIDR(cidr);
      return range[0].kind() === addr.kind() && addr.match(range);
    } catch {
      return false;
    }
  });
}
