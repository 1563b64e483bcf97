/**
 * JSON answers as XML (`?format=xml`), built with fast-xml-parser's builder, which escapes
 * text and attribute values. Element names come from our own JSON keys in PascalCase
 * (`firstName` → `FirstName`); keys that are data rather than field names (custom fields, action
 * outputs, question ids, anything inside a caller's own JSON) become `<Field name="...">`-style
 * elements, so no value ever becomes markup. Lists give one element per item.
 */
import { XMLBuilder } from "fast-xml-parser";

/** Child element names for list fields. */
const LIST_ITEM: Readonly<Record<string, string>> = {
  actions: "Action",
  created: "Group",
  existing: "Group",
  groups: "Group",
  messages: "Message",
  options: "Option",
  permissions: "Permission",
  problems: "Problem",
  redirects: "Url",
  roles: "Role",
};

/**
 * Fields whose keys are data: `<Field name="key">`, with this element name, and whether the
 * values inside are data too (a question's own fields are ours; an output's JSON is not).
 */
const MAP_ENTRY: Readonly<Record<string, readonly [string, boolean]>> = {
  answers: ["Answer", true],
  customFields: ["Field", true],
  fields: ["Field", true],
  headers: ["Header", true],
  outputs: ["Output", true],
  questions: ["Question", false],
};

/** Fields that hold a caller's own JSON: every key inside is data. */
const USER_JSON = new Set(["body", "details"]);

// XML 1.0 allows tab, line feed, carriage return and most of Unicode; anything else is dropped.
// eslint-disable-next-line no-control-regex
const INVALID_XML_CHARS = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;
const XML_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  textNodeName: "#text",
  format: true,
  suppressEmptyNode: false,
  suppressBooleanAttributes: false,
});

type XmlNode = string | { [key: string]: unknown };

export interface XmlShape {
  /** The root element's name. */
  root: string;
  /** For pages (`{ items, total, skip, top, _links }`): each item's element name. */
  item?: string;
}

/** The XML document for an answer body. */
export function toXml(value: unknown, shape: XmlShape): string {
  let content: XmlNode;
  if (shape.item !== undefined && isPage(value)) {
    const node: Record<string, unknown> = { "@_total": value.total, "@_skip": value.skip, "@_top": value.top };
    node[shape.item] = value.items.map((item) => convert(item, "", false));
    if (value._links) node.Links = convert(value._links, "_links", false);
    content = node;
  } else {
    content = convert(value, "", false);
  }
  return builder.build({ "?xml": { "@_version": "1.0", "@_encoding": "UTF-8" }, [shape.root]: content }) as string;
}

interface PageLike {
  items: unknown[];
  total: number;
  skip: number;
  top: number;
  _links?: Record<string, unknown>;
}

function isPage(value: unknown): value is PageLike {
  return typeof value === "object" && value !== null && Array.isArray((value as PageLike).items);
}

function convert(value: unknown, key: string, userJson: boolean): XmlNode {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return clean(value);
  if (typeof value !== "object") return String(value);
  if (Array.isArray(value)) {
    const item = userJson ? "Item" : (LIST_ITEM[key] ?? "Item");
    return { [item]: value.map((entry) => convert(entry, "", userJson)) };
  }
  const entries = Object.entries(value as Record<string, unknown>);
  const mapEntry = MAP_ENTRY[key];
  if (userJson || mapEntry !== undefined || entries.some(([name]) => !XML_NAME.test(name))) {
    const [element, valuesAreData] = mapEntry ?? ["Entry", true];
    return { [element]: entries.map(([name, entry]) => named(name, convert(entry, name, userJson || valuesAreData))) };
  }
  const node: Record<string, unknown> = {};
  for (const [name, entry] of entries) {
    if (entry === undefined) continue;
    node[pascal(name)] = convert(entry, name, USER_JSON.has(name));
  }
  return node;
}

function named(name: string, node: XmlNode): Record<string, unknown> {
  return typeof node === "string" ? { "@_name": clean(name), "#text": node } : { "@_name": clean(name), ...node };
}

function pascal(name: string): string {
  const trimmed = name.replace(/^_+/, "");
  return trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
}

function clean(text: string): string {
  return text.replace(INVALID_XML_CHARS, "");
}
