import { XPathSyntaxError, rewriteXPathNames, tokenizeXPath } from "../../runtime/extract/xpath-names";

const any = (name: string): string => `*[local-name()='${name}']`;

describe("XPath: unprefixed element names match any namespace", () => {
  test.each([
    ["/SUserResponse/SUser/Email", `/${any("SUserResponse")}/${any("SUser")}/${any("Email")}`],
    ["//Email", `//${any("Email")}`],
    ["Email", any("Email")],
    ["/a/b[1]", `/${any("a")}/${any("b")}[1]`],
    ["/a/b[c='x']/d", `/${any("a")}/${any("b")}[${any("c")}='x']/${any("d")}`],
    ["/a/text()", `/${any("a")}/text()`],
    ["/a/node()", `/${any("a")}/node()`],
    ["/a/comment()", `/${any("a")}/comment()`],
    ["/a/processing-instruction('x')", `/${any("a")}/processing-instruction('x')`],
    ["/a/@id", `/${any("a")}/@id`],
    ["/a/attribute::id", `/${any("a")}/attribute::id`],
    ["/a/namespace::x", `/${any("a")}/namespace::x`],
    ["/a/child::b", `/${any("a")}/child::${any("b")}`],
    ["//b/ancestor::a", `//${any("b")}/ancestor::${any("a")}`],
    ["/a/*", `/${any("a")}/*`],
    ["/p:a/q:*", "/p:a/q:*"],
    ["count(//item)", `count(//${any("item")})`],
    ["count(//item) * 2", `count(//${any("item")}) * 2`],
    ["//a[b * 2 > 3]", `//${any("a")}[${any("b")} * 2 > 3]`],
    ["//a[b div 2 = 1 and c mod 2 = 0 or d]", `//${any("a")}[${any("b")} div 2 = 1 and ${any("c")} mod 2 = 0 or ${any("d")}]`],
    ["/div/and/or", `/${any("div")}/${any("and")}/${any("or")}`],
    ["//first-name", `//${any("first-name")}`],
    ["//a[. = 'text with /b and c']", `//${any("a")}[. = 'text with /b and c']`],
    ['//a[@k = "it\'s"]', `//${any("a")}[@k = "it's"]`],
    ["string(/a/b)", `string(/${any("a")}/${any("b")})`],
    ["/a/b | /a/c", `/${any("a")}/${any("b")} | /${any("a")}/${any("c")}`],
    ["../x", `../${any("x")}`],
    ["./x", `./${any("x")}`],
    ["//a[last()]", `//${any("a")}[last()]`],
    ["/a/b[position() < 3]", `/${any("a")}/${any("b")}[position() < 3]`],
    ["/a / b", `/${any("a")} / ${any("b")}`],
    ["child :: b", `child :: ${any("b")}`],
    ["//Ünïcödé", `//${any("Ünïcödé")}`],
    ["1 + 2.5 - .5", "1 + 2.5 - .5"],
  ])("%s", (expression, rewritten) => {
    expect(rewriteXPathNames(expression).expression).toBe(rewritten);
  });

  test("prefixes used are reported", () => {
    expect([...rewriteXPathNames("/p:a/q:*/c[@r:x]").prefixes].sort()).toEqual(["p", "q", "r"]);
  });

  test.each([
    ["/a[@k='open", /not closed/],
    ["$var", /variables/],
    ["/a[$n]", /variables/],
    ["evil()", /not an XPath 1.0 function/],
    ["/a/sideways::b", /not an XPath axis/],
    ["/a b", /not an operator/],
    ["/a/#", /unexpected character/],
    ["/p:", /a name must follow/],
  ])("%s is refused", (expression, message) => {
    expect(() => rewriteXPathNames(expression)).toThrow(XPathSyntaxError);
    expect(() => rewriteXPathNames(expression)).toThrow(message);
  });

  test("tokens follow XPath 1.0 disambiguation", () => {
    expect(tokenizeXPath("* * *").map((t) => t.kind)).toEqual(["nameTest", "operator", "nameTest"]);
    expect(tokenizeXPath("div div div").map((t) => t.kind)).toEqual(["nameTest", "operator", "nameTest"]);
    expect(tokenizeXPath("text()").map((t) => t.kind)).toEqual(["nodeType", "punctuation", "punctuation"]);
    expect(tokenizeXPath("count (x)").map((t) => t.kind)).toEqual(["function", "punctuation", "nameTest", "punctuation"]);
  });
});
