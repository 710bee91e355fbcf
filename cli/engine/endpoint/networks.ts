// One allowed source network (allowedSourceCidrs in sftpgw.yaml and in user
// files): an IPv4 CIDR, written as its network address. Parsing is ipaddr.js's
// (a well-kept, dependency-free parser); this file only says what sftpgw
// accepts and why, in words a user can act on.
import ipaddr from 'ipaddr.js';

/** A parsed IPv4 network: its first address as a 32-bit number and its prefix length. */
export interface Network {
  /** As written (and as the security group rule will carry it), e.g. 198.51.100.0/24. */
  cidr: string;
  base: number;
  prefix: number;
}

export type NetworkCheck = { network: Network } | { problem: string; hint: string };

const toNumber = (a: ipaddr.IPv4) => a.octets.reduce((n, o) => n * 256 + o, 0);

/** Checks one entry of allowedSourceCidrs. */
export function checkNetwork(value: unknown): NetworkCheck {
  if (typeof value !== 'string')
    return {
      problem: `must be a string like "198.51.100.7/32", not ${value === null ? 'null' : typeof value}`,
      hint: 'write each network as an IPv4 CIDR in quotes',
    };
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    parsed = ipaddr.parseCIDR(value);
  } catch {
    return ipaddr.isValid(value)
      ? {
          problem: `"${value}" is an address without a prefix length`,
          hint: `write "${value}/32" for this one address`,
        }
      : {
          problem: `"${value}" is not a valid CIDR`,
          hint: 'write an IPv4 network as address/prefix, e.g. "198.51.100.0/24" or "198.51.100.7/32"',
        };
  }
  const [addr, prefix] = parsed;
  if (addr.kind() === 'ipv6')
    return {
      problem: `"${value}" is an IPv6 network`,
      hint: "the endpoint is IPv4 only: Elastic IPs cannot be used with a dual-stack endpoint, so no IPv6 client reaches it; give the partner's public IPv4 networks",
    };
  // ipaddr.js also takes the old inet_aton forms ("10.1/8", octal "010.0.0.0/8"),
  // which EC2 does not: insist on four decimal parts without leading zeros.
  if (!/^(0|[1-9]\d{0,2})(\.(0|[1-9]\d{0,2})){3}\/(0|[1-9]\d?)$/.test(value))
    return {
      problem: `"${value}" is not written as four decimal parts and a prefix`,
      hint: 'write it as a.b.c.d/n, e.g. "198.51.100.0/24"',
    };
  const network = ipaddr.IPv4.networkAddressFromCIDR(value);
  if (network.toString() !== value.split('/')[0])
    return {
      problem: `"${value}" has host bits set: as a network it is ${network.toString()}/${prefix}`,
      hint: `write "${network.toString()}/${prefix}" if the whole network is meant, or "${addr.toString()}/32" for the one address`,
    };
  return { network: { cidr: value, base: toNumber(network as ipaddr.IPv4), prefix } };
}

/** The whole IPv4 internet. */
export function isAnywhere(n: Network): boolean {
  return n.prefix === 0;
}
