import fc from "fast-check";
import { XMLParser } from "fast-xml-parser";
import { toXml } from "../../runtime/host/xml";

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", parseTagValue: false, parseAttributeValue: false, trimValues: false, isArray: (name, path) => ["Item", "Field", "Group"].includes(name) || path === "Users.User" });

test("a page gives a root with counts, one element per item and the links", () => {
  const xml = toXml({ items: [{ username: "a", groups: ["G1", "G2"] }, { username: "b", groups: [] }], total: 2, skip: 0, top: 2, _links: { self: "/u?skip=0&top=2" } }, { root: "Users", item: "User" });
  const parsed = parser.parse(xml);
  expect(parsed.Users["@total"]).toBe("2");
  expect(parsed.Users.User.map((u: { Username: string }) => u.Username)).toEqual(["a", "b"]);
  expect(parsed.Users.User[0].Groups.Group).toEqual(["G1", "G2"]);
  expect(parsed.Users.Links.Self).toBe("/u?skip=0&top=2");
});

test("data keys become name attributes, never element names", () => {
  const xml = toXml({ customFields: { "a b": "1", "<x>": "2" }, body: { "weird key": [1, { "y z": true }] } }, { root: "Thing" });
  expect(xml).not.toContain("<x>");
  const parsed = parser.parse(xml);
  expect(parsed.Thing.CustomFields.Field).toEqual([{ "@name": "a b", "#text": "1" }, { "@name": "<x>", "#text": "2" }]);
  expect(parsed.Thing.Body.Entry["@name"]).toBe("weird key");
});

test("any text survives the round trip as text (hostile input stays inside its element)", () => {
  const text = fc.string({ unit: "grapheme", maxLength: 40 });
  fc.assert(
    fc.property(text, text, (value, name) => {
      const xml = toXml({ firstName: value, customFields: { [name || "k"]: value } }, { root: "User" });
      const parsed = parser.parse(xml);
      // eslint-disable-next-line no-control-regex -- the characters XML 1.0 allows, as the builder keeps them
      const kept = value.replace(/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, "");
      // XML parsers normalise line ends to \n.
      const normal = (s: string) => s.replace(/\r\n?/g, "\n");
      return normal(String(parsed.User.FirstName ?? "")) === normal(kept) && Object.keys(parsed.User).filter((key) => key !== "#text").sort().join() === "CustomFields,FirstName";
    }),
  );
});
