import fc from "fast-check";
import { checkEmail, isValidEmail, nameKey } from "../../runtime/directory";
import { checkName } from "../../runtime/directory/validation";

describe("isValidEmail", () => {
  test.each(["jdoe@example.com", "j.doe+tag@sub.example.co.uk", "a@b", "o'brien@example.com", "x_y-z@a-b.example"])("accepts %s", (email) => {
    expect(isValidEmail(email)).toBe(true);
  });

  test.each([
    "",
    "jdoe",
    "jdoe@",
    "@example.com",
    "jdoe@@example.com",
    "j doe@example.com",
    "jdoe@example..com",
    "jdoe@-example.com",
    "jdoe@example.com\n",
    "jdoe@exa_mple.com",
    `${"a".repeat(65)}@example.com`,
    `a@${"b".repeat(250)}.com`,
  ])("rejects %j", (email) => {
    expect(isValidEmail(email)).toBe(false);
  });

  test("runs in linear time on hostile input", () => {
    const started = Date.now();
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => typeof isValidEmail(text) === "boolean"));
    expect(isValidEmail(`a@${"a-".repeat(5000)}`)).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test("checkEmail names the input and never throws for a valid address", () => {
    expect(() => checkEmail("nope", "Email")).toThrow(expect.objectContaining({ code: "INVALID_EMAIL", input: "Email", message: expect.stringContaining('"Email"') }));
    expect(() => checkEmail("ok@example.com", "Email")).not.toThrow();
  });
});

describe("names", () => {
  test("nameKey folds case beyond ASCII and normalises", () => {
    expect(nameKey("JDoe")).toBe(nameKey("jdoe"));
    expect(nameKey("ÉLODIE")).toBe(nameKey("élodie"));
    expect(nameKey("e\u0301lodie")).toBe(nameKey("élodie"));
  });

  test.each(["", "   ", " lead", "trail ", "two\nlines", "tab\there", "x".repeat(257)])("checkName refuses %j", (name) => {
    expect(() => checkName("group name", name)).toThrow(expect.objectContaining({ code: "INVALID_NAME" }));
  });

  test.each(["jdoe", "Sales & Support", "Ünïcødé", "x".repeat(256)])("checkName accepts %j", (name) => {
    expect(() => checkName("username", name)).not.toThrow();
  });
});
