/**
 * Keeps XPath linear on large XML responses.
 *
 * The xpath package (0.0.34) has two quadratic paths that made an Output Path on a list of a few
 * thousand elements take seconds, and a response near the size limit take hours (the event
 * loop blocked all the while):
 *
 * 1. node sets are kept in document order by comparing nodes with `compareDocumentPosition`,
 *    which @xmldom/xmldom answers by walking sibling lists, for every comparison; the
 *    namespace-agnostic name tests (`*[local-name()='Email']`, xpath-names.ts) sort at every
 *    step;
 * 2. adding a node to a node set scans the whole set for a duplicate.
 *
 * So each parsed response gets its document order written on its nodes once (a walk), with a
 * `compareDocumentPosition` on each node that reads it; and node sets find duplicates with a
 * Set. Nodes of other documents (none of ours) keep the libraries' own behaviour.
 */
import type { Document as XmlDocument, Node as XmlNode } from "@xmldom/xmldom";

const ORDER = Symbol("siq-actions.document-order");
const OWNER = Symbol("siq-actions.document");

const DOCUMENT_POSITION_DISCONNECTED = 0x01;
const DOCUMENT_POSITION_PRECEDING = 0x02;
const DOCUMENT_POSITION_FOLLOWING = 0x04;
const DOCUMENT_POSITION_IMPLEMENTATION_SPECIFIC = 0x20;

interface OrderedNode {
  [ORDER]?: number;
  [OWNER]?: object;
  compareDocumentPosition(other: unknown): number;
}

/**
 * The node's position relative to this one, as DOM's `compareDocumentPosition` gives it for the
 * flags XPath reads (preceding, following): from the order written by {@link indexDocumentOrder}.
 */
function compareByOrder(this: OrderedNode, other: unknown): number {
  const that = other as OrderedNode | null;
  const mine = this[ORDER];
  const theirs = that?.[ORDER];
  if (mine === undefined || theirs === undefined || that === null) {
    const original = (Object.getPrototypeOf(this) as OrderedNode).compareDocumentPosition;
    return original.call(this, other);
  }
  if (this[OWNER] !== that[OWNER]) return DOCUMENT_POSITION_DISCONNECTED | DOCUMENT_POSITION_IMPLEMENTATION_SPECIFIC | DOCUMENT_POSITION_FOLLOWING;
  if (mine === theirs) return 0;
  return theirs < mine ? DOCUMENT_POSITION_PRECEDING : DOCUMENT_POSITION_FOLLOWING;
}

interface Walkable {
  firstChild: Walkable | null;
  nextSibling: Walkable | null;
  attributes?: { length: number; item(index: number): unknown } | null;
}

/**
 * Writes XPath document order on every node (element, then its attributes, then its children:
 * a pre-order walk), iteratively, so no depth of nesting can overflow the stack.
 */
export function indexDocumentOrder(document: XmlDocument): void {
  let order = 0;
  const mark = (node: unknown) => {
    const target = node as OrderedNode;
    target[ORDER] = order++;
    target[OWNER] = document;
    target.compareDocumentPosition = compareByOrder;
  };
  const stack: Walkable[] = [document as unknown as Walkable];
  while (stack.length > 0) {
    const node = stack.pop() as Walkable;
    mark(node);
    const attributes = node.attributes;
    if (attributes) for (let i = 0; i < attributes.length; i++) mark(attributes.item(i));
    // Children are pushed last-first, so they are popped (and numbered) in document order.
    const children: Walkable[] = [];
    for (let child = node.firstChild; child; child = child.nextSibling) children.push(child);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as Walkable);
  }
}

interface NodeSet {
  nodes: XmlNode[];
  size: number;
  tree: unknown;
  [SEEN]?: Set<XmlNode>;
}
const SEEN = Symbol("siq-actions.seen");

let installed = false;

/** Makes the xpath package's node sets find duplicates in constant time (once per process). */
export function installLinearNodeSets(XNodeSet: { prototype: object }): void {
  if (installed) return;
  installed = true;
  (XNodeSet.prototype as { add(node: XmlNode): void }).add = function add(this: NodeSet, node: XmlNode): void {
    let seen = this[SEEN];
    // Rebuilt when the set's list was replaced or changed behind our back (init(), or another writer).
    if (seen === undefined || seen.size !== this.nodes.length) {
      seen = new Set(this.nodes);
      this[SEEN] = seen;
    }
    if (seen.has(node)) return;
    seen.add(node);
    this.tree = null;
    this.nodes.push(node);
    this.size += 1;
  };
}
