import fc from "fast-check";
import { embeddedIpv4, nonPublicReason } from "../../runtime/host/private-address";

describe("nonPublicReason", () => {
  test.each([
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["10.0.0.5", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "link-local"],
    ["0.0.0.0", "unspecified (this network)"],
    ["100.64.0.1", "shared address space (carrier-grade NAT)"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "reserved (and broadcast)"],
    ["::1", "loopback"],
    ["[::1]", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["fd12:3456::1", "unique local (private)"],
    ["::ffff:127.0.0.1", "loopback, as an IPv4 address inside IPv6"],
    ["::ffff:7f00:1", "loopback, as an IPv4 address inside IPv6"],
    ["::ffff:10.1.2.3", "private, as an IPv4 address inside IPv6"],
    ["::ffff:0:a9fe:a9fe", "link-local, as an IPv4 address inside IPv6"],
    ["64:ff9b::7f00:1", "loopback, as an IPv4 address inside IPv6"],
    ["::127.0.0.1", "loopback, as an IPv4 address inside IPv6"],
  ])("%s is %s", (address, reason) => {
    expect(nonPublicReason(address)).toBe(reason);
  });

  test.each([["8.8.8.8"], ["172.32.0.1"], ["192.169.0.1"], ["1.1.1.1"], ["2606:4700:4700::1111"], ["::ffff:8.8.8.8"], ["64:ff9b::808:808"], ["example.com"], [""]])(
    "%s is public (or not an address)",
    (address) => {
      expect(nonPublicReason(address)).toBeUndefined();
    },
  );

  test("every 10/8, 127/8 and 192.168/16 address is refused, in IPv4 and IPv4-mapped IPv6 forms", () => {
    const octet = fc.integer({ min: 0, max: 255 });
    const privateV4 = fc.oneof(
      fc.tuple(octet, octet, octet).map(([b, c, d]) => `10.${b}.${c}.${d}`),
      fc.tuple(octet, octet, octet).map(([b, c, d]) => `127.${b}.${c}.${d}`),
      fc.tuple(octet, octet).map(([c, d]) => `192.168.${c}.${d}`),
    );
    fc.assert(
      fc.property(privateV4, (address) => {
        const [a, b, c, d] = address.split(".").map(Number) as [number, number, number, number];
        const hex = `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
        return [address, `::ffff:${address}`, `::ffff:${hex}`, `[::FFFF:${hex}]`].every((form) => nonPublicReason(form) !== undefined);
      }),
    );
  });

  test("embeddedIpv4 reads the IPv4 address out of mapped forms only", () => {
    expect(embeddedIpv4("::ffff:c0a8:101")).toBe("192.168.1.1");
    expect(embeddedIpv4("2001:db8::1")).toBeUndefined();
    expect(embeddedIpv4("::1")).toBeUndefined();
  });
});
