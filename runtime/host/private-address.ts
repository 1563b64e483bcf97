/**
 * Which IP addresses a server-side request must not reach: loopback, private, link-local,
 * unspecified and other non-public ranges, in IPv4 and IPv6 (IPv4-mapped, IPv4-compatible and
 * NAT64 IPv6 addresses are judged by the IPv4 address they carry).
 */
import { BlockList, isIPv4, isIPv6 } from "node:net";

/** Each range with the reason shown in refusals. */
const IPV4_RANGES: ReadonlyArray<readonly [string, number, string]> = [
  ["0.0.0.0", 8, "unspecified (this network)"],
  ["10.0.0.0", 8, "private"],
  ["100.64.0.0", 10, "shared address space (carrier-grade NAT)"],
  ["127.0.0.0", 8, "loopback"],
  ["169.254.0.0", 16, "link-local"],
  ["172.16.0.0", 12, "private"],
  ["192.0.0.0", 24, "IETF protocol assignments"],
  ["192.0.2.0", 24, "documentation"],
  ["192.168.0.0", 16, "private"],
  ["198.18.0.0", 15, "benchmarking"],
  ["198.51.100.0", 24, "documentation"],
  ["203.0.113.0", 24, "documentation"],
  ["224.0.0.0", 4, "multicast"],
  ["240.0.0.0", 4, "reserved (and broadcast)"],
];

const IPV6_RANGES: ReadonlyArray<readonly [string, number, string]> = [
  ["::", 128, "unspecified"],
  ["::1", 128, "loopback"],
  ["100::", 64, "discard-only"],
  ["2001:db8::", 32, "documentation"],
  ["fc00::", 7, "unique local (private)"],
  ["fe80::", 10, "link-local"],
  ["fec0::", 10, "site-local (deprecated private)"],
  ["ff00::", 8, "multicast"],
];

const ranges = (() => {
  const lists: Array<{ list: BlockList; reason: string; type: "ipv4" | "ipv6" }> = [];
  for (const [address, prefix, reason] of IPV4_RANGES) {
    const list = new BlockList();
    list.addSubnet(address, prefix, "ipv4");
    lists.push({ list, reason, type: "ipv4" });
  }
  for (const [address, prefix, reason] of IPV6_RANGES) {
    const list = new BlockList();
    list.addSubnet(address, prefix, "ipv6");
    lists.push({ list, reason, type: "ipv6" });
  }
  return lists;
})();

/**
 * Why the address is not public ("loopback", "private", ...), or undefined for a public
 * address. Text that is not an IP address gives undefined too (callers check names separately).
 * IPv6 addresses may carry brackets or a zone (`[fe80::1%eth0]`).
 */
export function nonPublicReason(address: string): string | undefined {
  let text = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  if (isIPv4(text)) return match(text, "ipv4");
  if (!isIPv6(text)) return undefined;
  const embedded = embeddedIpv4(text);
  if (embedded !== undefined) {
    const reason = match(embedded, "ipv4");
    return reason === undefined ? undefined : `${reason}, as an IPv4 address inside IPv6`;
  }
  return match(text, "ipv6");
}

export function isNonPublicAddress(address: string): boolean {
  return nonPublicReason(address) !== undefined;
}

function match(address: string, type: "ipv4" | "ipv6"): string | undefined {
  for (const range of ranges) if (range.type === type && range.list.check(address, type)) return range.reason;
  return undefined;
}

/**
 * The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d, but not
 * :: or ::1), IPv4-translated (::ffff:0:a.b.c.d) or NAT64 (64:ff9b::a.b.c.d) IPv6 address.
 */
export function embeddedIpv4(ipv6: string): string | undefined {
  const words = expandIpv6(ipv6);
  if (!words) return undefined;
  const zeros = (from: number, to: number) => words.slice(from, to).every((word) => word === 0);
  const tail = `${words[6]! >> 8}.${words[6]! & 0xff}.${words[7]! >> 8}.${words[7]! & 0xff}`;
  if (zeros(0, 5) && words[5] === 0xffff) return tail; // IPv4-mapped
  if (zeros(0, 4) && words[4] === 0xffff && words[5] === 0) return tail; // IPv4-translated
  if (words[0] === 0x64 && words[1] === 0xff9b && zeros(2, 6)) return tail; // NAT64 well-known prefix
  if (zeros(0, 6) && (words[6] !== 0 || words[7]! > 1)) return tail; // IPv4-compatible (deprecated)
  return undefined;
}

/** The eight 16-bit words of an IPv6 address (with an optional dotted IPv4 tail), or undefined. */
function expandIpv6(text: string): number[] | undefined {
  let head = text;
  const words: number[] = [];
  const lastColon = head.lastIndexOf(":");
  const tailPart = head.slice(lastColon + 1);
  let tailWords: number[] = [];
  if (tailPart.includes(".")) {
    if (!isIPv4(tailPart)) return undefined;
    const bytes = tailPart.split(".").map(Number);
    tailWords = [(bytes[0]! << 8) | bytes[1]!, (bytes[2]! << 8) | bytes[3]!];
    head = head.slice(0, lastColon + 1);
    if (head.endsWith(":") && !head.endsWith("::")) head = head.slice(0, -1);
  }
  const parse = (part: string): number[] => (part === "" ? [] : part.split(":").map((word) => parseInt(word, 16)));
  const gap = head.indexOf("::");
  if (gap >= 0) {
    const before = parse(head.slice(0, gap));
    const after = parse(head.slice(gap + 2));
    const missing = 8 - before.length - after.length - tailWords.length;
    if (missing < 0) return undefined;
    words.push(...before, ...new Array<number>(missing).fill(0), ...after, ...tailWords);
  } else {
    words.push(...parse(head), ...tailWords);
  }
  if (words.length !== 8 || words.some((word) => !Number.isInteger(word) || word < 0 || word > 0xffff)) return undefined;
  return words;
}
