/** Reads XML stand-in responses in tests: the root element and values by XPath in the ServiceStack namespace (prefix s). */
import { DOMParser } from "@xmldom/xmldom";
import * as xpath from "xpath";
import { SERVICE_STACK_NAMESPACE } from "./service-stack-format";

const select = xpath.useNamespaces({ s: SERVICE_STACK_NAMESPACE, i: "http://www.w3.org/2001/XMLSchema-instance" });

export interface XmlDoc {
  root: { localName: string; namespace: string | null };
  /** The text of every node the XPath selects (prefix s: for the ServiceStack namespace). */
  all(path: string): string[];
  /** The text of the first node the XPath selects, or undefined. */
  one(path: string): string | undefined;
  /** The local names of the root's child elements' children at a path, in order. */
  childNames(path: string): string[];
}

export function readXml(text: string): XmlDoc {
  const document = new DOMParser().parseFromString(text, "application/xml");
  const rootElement = document.documentElement;
  if (!rootElement) throw new Error(`not XML: ${text.slice(0, 80)}`);
  const nodes = (path: string): Node[] => select(path, document as unknown as Node) as Node[];
  return {
    root: { localName: rootElement.localName ?? "", namespace: rootElement.namespaceURI },
    all: (path) => nodes(path).map((node) => node.textContent ?? ""),
    one: (path) => nodes(path)[0]?.textContent ?? undefined,
    childNames: (path) => {
      const parent = nodes(path)[0];
      const names: string[] = [];
      for (let child = parent?.firstChild ?? null; child; child = child.nextSibling) {
        if (child.nodeType === 1) names.push((child as Element).localName);
      }
      return names;
    },
  };
}
