/**
 * The form pages end to end, in headless Chromium (Debian's `chromium`, driven by
 * playwright-core) against a real host on 127.0.0.1: sign in, fill the onboarding form with
 * three group rows, watch every action succeed; an invalid email stops at the field (in the page,
 * and again at the host) and changes nothing in the directory; progress shows while a run is
 * under way; a failed run says where and why. Each page's screenshot goes to test-output/.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import type { SqliteDirectory } from "../../runtime/directory";
import { startHost, type Host } from "../../runtime/host";
import { openTestDirectory, TEST_ADMIN_PASSWORD } from "../helpers/test-directory";
import { Gates, gateAction } from "../host/helpers/gate-action";

const CHROMIUM = "/usr/bin/chromium";
const ROOT = join(__dirname, "..", "..");
const SHOTS = join(ROOT, "test-output");

let browser: Browser;
let host: Host;
let directory: SqliteDirectory;
let pipelinesDir: string;
const gates = new Gates();

jest.setTimeout(30_000);

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`The end-to-end tests need Chromium at ${CHROMIUM}; install it with \`apt-get install -y chromium\` (.ci/run does).`);
  }
  mkdirSync(SHOTS, { recursive: true });
  pipelinesDir = mkdtempSync(join(tmpdir(), "siq-forms-e2e-"));
  copyFileSync(join(ROOT, "examples", "onboard.pipeline.json"), join(pipelinesDir, "onboard.pipeline.json"));
  writeFileSync(
    join(pipelinesDir, "two-steps.pipeline.json"),
    JSON.stringify({
      name: "Two steps",
      description: "The second step waits until the test lets it go on, so the page can be seen mid-run.",
      questions: { q1: { label: "Gate", type: "text", required: true } },
      actions: [
        { name: "First", type: "Test Gate", inputs: { Gate: "=[q1] & \"-first\"" } },
        { name: "Second", type: "Test Gate", inputs: { Gate: "=[q1]", Wait: true } },
      ],
    }),
  );
  writeFileSync(
    join(pipelinesDir, "every-question.pipeline.json"),
    JSON.stringify({
      name: "Every question type",
      description: "One question of each type, to see how the form shows them.",
      questions: {
        q1: { label: "Full name", type: "text", required: true, description: "As it appears on the contract." },
        q2: { label: "Work email", type: "text", format: "email" },
        q3: { label: "Weekly hours", type: "number", required: true },
        q4: { label: "Needs a laptop", type: "boolean", required: true },
        q5: { label: "Start date", type: "date" },
        q6: { label: "Office", type: "choice", options: ["London", "Paris", "Remote"], required: true },
        q7: { label: "Software", type: "multichoice", options: ["Office suite", "Design tools", "Developer tools"] },
        q8: { label: "Equipment", type: "repeat", fields: { Item: "text", Quantity: "number", Needed: "date", Urgent: "boolean" } },
      },
      actions: [{ name: "Record", type: "Test Gate", inputs: { Gate: "=[q1]" } }],
    }),
  );
  directory = openTestDirectory();
  host = await startHost({ directory, pipelinesDir, env: {}, actions: [gateAction(gates)] });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  directory?.close();
  if (pipelinesDir) rmSync(pipelinesDir, { recursive: true, force: true });
});

/** A fresh browser (no cookies) whose pages fail the test on a script error or a CSP violation. */
async function openPage(): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // A step that cannot happen fails within seconds, naming the step, before Jest's own timeout.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && !/status of 40[01]/.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  return { context, page, problems };
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `forms-${name}.png`), fullPage: true });
}

async function signIn(page: Page, path = "/"): Promise<void> {
  await page.goto(`${host.url}${path}`);
  await page.waitForURL(/\/login/);
  await page.getByLabel("Username").fill("admin");
  await page.getByLabel("Password").fill(TEST_ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${host.url}${path}`);
}

/** The directory without its audit log (which records every request, refused ones too). */
function directoryState(): unknown {
  const { audit_log: _audit, sqlite_sequence: sequences, ...rest } = directory.dump();
  return { ...rest, sqlite_sequence: (sequences ?? []).filter((row) => (row as { name: string }).name !== "audit_log") };
}

async function fillOnboarding(page: Page, answers: { username: string; email: string; groups: string[] }): Promise<void> {
  await page.getByLabel("Username").fill(answers.username);
  await page.getByLabel("First name").fill("Jane");
  await page.getByLabel("Last name").fill("Doe");
  await page.getByLabel("Email").fill(answers.email);
  await page.getByLabel("Job title").fill("Analyst");
  await page.getByLabel("Start date").fill("2026-04-01");
  const groups = page.getByRole("group", { name: "Groups" });
  for (const [index, group] of answers.groups.entries()) {
    if (index > 0) await groups.getByRole("button", { name: "Add a row to Groups" }).click();
    await groups.getByRole("group", { name: `Row ${index + 1}` }).getByLabel("GroupName").fill(group);
  }
}

test("sign in, fill the onboarding form with three group rows, submit: every action succeeds, shown as it finishes", async () => {
  const { context, page, problems } = await openPage();
  await page.goto(`${host.url}/`);
  await page.waitForURL(/\/login$/);
  await shot(page, "sign-in");

  // A wrong password is said plainly, and nothing is signed in.
  await page.getByLabel("Username").fill("admin");
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText("The username or password is not right").waitFor();

  await page.getByLabel("Password").fill(TEST_ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${host.url}/`);
  await page.getByRole("link", { name: "Onboard employee" }).waitFor();
  expect(await page.locator("#signed-in-as").textContent()).toBe("admin");
  // The session is an HttpOnly cookie: no script sees it, no URL or storage holds it.
  expect(await page.evaluate(() => document.cookie)).toBe("");
  expect(await page.evaluate(() => Object.keys(localStorage).length + Object.keys(sessionStorage).length)).toBe(0);
  const [cookie] = await context.cookies();
  expect(cookie).toMatchObject({ name: "siq_session", httpOnly: true, sameSite: "Strict", path: "/" });
  await shot(page, "list");

  await page.getByRole("link", { name: "Onboard employee" }).click();
  await page.waitForURL(`${host.url}/pipelines/onboard`);
  await page.getByRole("heading", { name: "Onboard employee" }).waitFor();
  expect(await page.getByLabel("Username").getAttribute("aria-required")).toBe("true");
  expect(await page.getByText("The work address, such as jdoe@example.com.").isVisible()).toBe(true);
  await shot(page, "form");

  await fillOnboarding(page, { username: "jdoe", email: "jdoe@example.com", groups: ["Sales", "Support"] });
  // The third row by keyboard: Add a row moves the focus into the new row.
  await page.getByRole("button", { name: "Add a row to Groups" }).focus();
  await page.keyboard.press("Enter");
  expect(await page.evaluate(() => document.activeElement?.id)).toMatch(/^q-q37-r\d+-f0$/);
  await page.keyboard.type("Finance");
  // A fourth row, removed again: the rows are renumbered and the focus stays in the list.
  await page.getByRole("button", { name: "Add a row to Groups" }).click();
  await page.keyboard.type("Mistake");
  await page.getByRole("button", { name: "Remove row 4 of Groups" }).click();
  expect(await page.getByRole("group", { name: /^Row \d$/ }).count()).toBe(3);
  expect(await page.evaluate(() => document.activeElement?.id)).toMatch(/^q-q37-r\d+-f0$/);
  await shot(page, "form-filled");

  const before = directoryState();
  await page.getByRole("button", { name: "Submit" }).click();
  await page.getByText("Submitted: every action succeeded.").waitFor();
  const actions = page.locator("#run-actions > li");
  expect(await actions.count()).toBe(4);
  for (const [index, name] of ["Ensure Groups", "Create User", "Read Back", "Notify HR"].entries()) {
    const card = actions.nth(index);
    expect(await card.getAttribute("data-action")).toBe(name);
    expect(await card.locator(".badge").textContent()).toBe("Succeeded");
    expect(await card.locator(".duration").textContent()).toMatch(/^\d+(\.\d+)? m?s/);
  }
  expect(await actions.nth(0).locator(".action-type").textContent()).toBe("SmartIQ API");
  expect(await actions.nth(1).locator(".action-type").textContent()).toBe("SmartIQ User");
  const output = (card: number, name: string) => actions.nth(card).locator(".output").filter({ has: page.locator("dt", { hasText: name }) }).locator("dd");
  expect(await output(2, "Output Path Data").textContent()).toBe("jdoe@example.com");
  expect(await output(1, "Username").textContent()).toBe("jdoe");
  // Create User assigned no password this time: its Password output says so instead of a Reveal button.
  expect(await actions.nth(1).getByText("(none assigned)").count()).toBe(1);
  expect(await page.locator("#run-log p").allTextContents()).toEqual([
    expect.stringMatching(/^Ensure Groups succeeded in /),
    expect.stringMatching(/^Create User succeeded in /),
    expect.stringMatching(/^Read Back succeeded in /),
    expect.stringMatching(/^Notify HR succeeded in /),
  ]);
  await shot(page, "run-succeeded");

  expect(directoryState()).not.toEqual(before);
  expect(directory.getUser("jdoe")).toMatchObject({ email: "jdoe@example.com", firstName: "Jane", groups: ["Finance", "Sales", "Support"], customFields: { "Start Date": "2026-04-01" } });
  expect(problems).toEqual([]);
  await context.close();
});

test("an invalid email: the field error beside Email, from the page and again from the host, and the directory does not change", async () => {
  const { context, page, problems } = await openPage();
  await signIn(page, "/pipelines/onboard");
  const runs: string[] = [];
  page.on("request", (request) => {
    if (new URL(request.url()).pathname.startsWith("/api/v1/pipelines/onboard/run")) runs.push(request.url());
  });
  const before = directoryState();

  await fillOnboarding(page, { username: "asmith", email: "asmith@", groups: ["Sales", "Legal", "Facilities"] });
  await page.getByRole("button", { name: "Submit" }).click();
  const summary = page.locator("#error-summary");
  await summary.waitFor();
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("error-summary");
  expect(await page.title()).toMatch(/^Error: Onboard employee/);
  const email = page.getByLabel("Email");
  expect(await email.getAttribute("aria-invalid")).toBe("true");
  const fieldError = page.locator("#q-q4-error");
  expect(await fieldError.textContent()).toBe("Error: Email is not a valid email address (expected name@example.com)");
  expect(await email.getAttribute("aria-describedby")).toBe("q-q4-hint q-q4-error");
  // The error sits with the Email question, and the summary's link takes the focus there.
  expect(await page.locator("#q-q4").evaluate((input) => input.parentElement?.contains(document.getElementById("q-q4-error")))).toBe(true);
  await summary.getByRole("link", { name: /Email is not a valid email address/ }).click();
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("q-q4");
  await shot(page, "email-error");
  expect(runs).toEqual([]);

  // A page that does not know the rule (a pipeline file changed since it loaded): the host
  // checks again, refuses before anything runs, and the page puts its answer beside the field.
  await page.route("**/api/v1/pipelines?top=1000", async (route) => {
    const response = await route.fetch();
    const body = (await response.json()) as { items: Array<{ name: string; questions: Record<string, { format?: string }> }> };
    for (const item of body.items) for (const question of Object.values(item.questions)) delete question.format;
    await route.fulfill({ response, json: body });
  });
  await page.reload();
  await fillOnboarding(page, { username: "asmith", email: "asmith@", groups: ["Sales", "Legal", "Facilities"] });
  expect(await page.getByLabel("Email").getAttribute("type")).toBe("text");
  await page.getByRole("button", { name: "Submit" }).click();
  await page.getByText("(checked by the host; nothing ran)").waitFor();
  expect(await page.locator("#q-q4-error").textContent()).toBe("Error: Email is not a valid email address (expected name@example.com)");
  expect(await page.getByLabel("Email").getAttribute("aria-invalid")).toBe("true");
  expect(await page.locator("#run-actions > li").count()).toBe(0);
  await shot(page, "email-error-from-host");
  expect(runs).toHaveLength(1);

  expect(directoryState()).toEqual(before);
  expect(directory.getUser("asmith")).toBeUndefined();
  expect(directory.listAudit({ top: 1000 }).items.some((record) => record.url?.endsWith("/run/stream") && record.status === 400 && record.detail === "ANSWERS_INVALID")).toBe(true);
  expect(problems).toEqual([]);
  await context.close();
});

test("every question type renders with its label and control, and the page's checks name each field", async () => {
  const { context, page, problems } = await openPage();
  await signIn(page, "/pipelines/every-question");
  await page.getByRole("heading", { name: "Every question type" }).waitFor();
  // Keyboard first: the skip link, then the form's first field, each with a visible focus ring.
  await page.keyboard.press("Tab");
  expect(await page.evaluate(() => [document.activeElement?.textContent, getComputedStyle(document.activeElement as Element).outlineStyle])).toEqual(["Skip to the form", "solid"]);
  await page.keyboard.press("Enter");
  for (let i = 0; i < 3 && (await page.evaluate(() => document.activeElement?.id)) !== "q-q1"; i++) await page.keyboard.press("Tab");
  expect(await page.evaluate(() => [document.activeElement?.id, getComputedStyle(document.activeElement as Element).outlineStyle])).toEqual(["q-q1", "solid"]);
  expect(await page.getByLabel("Work email").getAttribute("type")).toBe("email");
  expect(await page.getByLabel("Start date").getAttribute("type")).toBe("date");
  expect(await page.getByRole("radiogroup", { name: "Needs a laptop" }).getByRole("radio").count()).toBe(2);
  expect(await page.getByRole("group", { name: "Software" }).getByRole("checkbox").count()).toBe(3);
  expect(await page.getByRole("combobox", { name: "Office" }).evaluate((select) => Array.from((select as HTMLSelectElement).options).map((option) => option.text))).toEqual(["Choose…", "London", "Paris", "Remote"]);

  await page.getByLabel("Weekly hours").fill("thirty");
  const equipment = page.getByRole("group", { name: "Equipment" });
  await equipment.getByLabel("Item").fill("Monitor");
  await equipment.getByLabel("Quantity").fill("two");
  await page.getByRole("button", { name: "Submit" }).click();
  await page.locator("#error-summary").waitFor();
  expect(await page.locator("#error-summary li").allTextContents()).toEqual([
    "Full name is required.",
    "Weekly hours expects a number such as 12 or 3.5.",
    "Needs a laptop is required.",
    "Office is required.",
    "Equipment, row 1: Quantity expects a number such as 12 or 3.5.",
  ]);
  await shot(page, "every-question-errors");

  await page.getByLabel("Full name").fill("Ada Lovelace");
  await page.getByLabel("Weekly hours").fill("37.5");
  await page.getByRole("radio", { name: "Yes" }).check();
  await page.getByRole("combobox", { name: "Office" }).selectOption("Paris");
  await page.getByRole("checkbox", { name: "Design tools" }).check();
  await equipment.getByLabel("Quantity").fill("2");
  await equipment.getByLabel("Urgent").check();
  await page.getByRole("button", { name: "Submit" }).click();
  await page.getByText("Submitted: every action succeeded.").waitFor();
  expect(await page.locator("#error-summary").isHidden()).toBe(true);
  expect(await page.locator("#q-q3-error").isHidden()).toBe(true);
  await shot(page, "every-question-run");
  expect(problems).toEqual([]);
  await context.close();
});

test("progress shows while the run is under way, and a secret output stays hidden until revealed", async () => {
  const { context, page, problems } = await openPage();
  await signIn(page, "/pipelines/two-steps");
  await page.getByLabel("Gate").fill("g1");
  await page.getByRole("button", { name: "Submit" }).click();
  const [first, second] = [page.locator('#run-actions > li[data-action="First"]'), page.locator('#run-actions > li[data-action="Second"]')];
  await first.locator(".badge", { hasText: "Succeeded" }).waitFor();
  expect(await second.locator(".badge").textContent()).toBe("Running");
  expect(await page.locator("#run-status").textContent()).toBe("Running step 2 of 2: Second…");
  expect(await page.getByRole("button", { name: "Running…" }).isDisabled()).toBe(true);
  await shot(page, "run-in-progress");

  gates.open("g1");
  await page.getByText("Submitted: every action succeeded.").waitFor();
  const password = gates.passwords.get("g1") as string;
  expect(password).toMatch(/^pw-/);
  expect(await page.content()).not.toContain(password);
  const reveal = second.getByRole("button", { name: "Reveal" });
  expect(await reveal.getAttribute("aria-pressed")).toBe("false");
  await reveal.click();
  expect(await second.locator(".secret-value").textContent()).toBe(password);
  expect(await second.getByRole("button", { name: "Hide" }).getAttribute("aria-pressed")).toBe("true");
  expect(problems).toEqual([]);
  await context.close();
});

test("a failed run says which action failed, why, and what ran before it", async () => {
  directory.createUser({ username: "leaver", email: "leaver@example.com", disabled: true });
  const { context, page, problems } = await openPage();
  await signIn(page, "/pipelines/onboard");
  await fillOnboarding(page, { username: "leaver", email: "leaver@example.com", groups: ["Sales"] });
  await page.getByRole("button", { name: "Submit" }).click();
  const summary = page.locator("#run-summary");
  await summary.locator(".summary-title").waitFor();
  expect(await summary.locator(".summary-title").textContent()).toBe("The run stopped at step 3 of 4: “Read Back” (SmartIQ API) failed.");
  expect(await summary.textContent()).toContain("The 2 actions before it had finished; their changes stay. The action after it did not run.");
  expect(await page.evaluate(() => document.activeElement?.id)).toBe("run-summary");
  const readBack = page.locator('#run-actions > li[data-action="Read Back"]');
  expect(await readBack.locator(".badge").textContent()).toBe("Failed");
  expect(await readBack.locator(".error-code").textContent()).toBe("IMPERSONATED_USER_DISABLED");
  expect(await readBack.locator(".error-line").textContent()).toContain("leaver");
  expect(await page.locator('#run-actions > li[data-action="Notify HR"] .badge').textContent()).toBe("Not run");
  await shot(page, "run-failed");
  expect(problems).toEqual([]);
  await context.close();
});

test("pages are served with a strict Content-Security-Policy, and a browser without a session is sent to sign in", async () => {
  const { context, page } = await openPage();
  const response = await page.goto(`${host.url}/pipelines/onboard`);
  expect(page.url()).toBe(`${host.url}/login?next=%2Fpipelines%2Fonboard`);
  const headers = response?.headers() ?? {};
  expect(headers["content-security-policy"]).toMatch(/^default-src 'self'; script-src 'self'; style-src 'self';.*frame-ancestors 'none'/);
  // Inline script is refused by the page's policy.
  const ran = await page.evaluate(() => {
    try {
      const script = document.createElement("script");
      script.textContent = "window.inlineRan = true";
      document.body.append(script);
    } catch {
      // Trusted Types refuse the script text itself
    }
    return (window as unknown as { inlineRan?: boolean }).inlineRan === true;
  });
  expect(ran).toBe(false);
  await context.close();
});
