/**
 * Every spec the project ships (beside the built-in actions and the example pipelines) passes,
 * run through the public testing entry point as a user's Jest suite would.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { expectSpecToPass } from "../../runtime/spec";

const root = join(__dirname, "..", "..");

const specFiles = ["actions", "examples"]
  .filter((folder) => existsSync(join(root, folder)))
  .flatMap((folder) =>
    readdirSync(join(root, folder), { recursive: true, encoding: "utf8" })
      .filter((name) => name.endsWith(".spec.json") && !name.split(/[\\/]/).includes("node_modules"))
      .map((name) => join(folder, name)),
  )
  .sort();

test("the built-in actions ship specs", () => {
  const actions = new Set(specFiles.filter((file) => file.startsWith("actions")).map((file) => file.split(/[\\/]/)[1]));
  expect([...actions]).toEqual(expect.arrayContaining(["rest-service", "smartiq-api", "smartiq-user"]));
});

test("every example pipeline has a spec", () => {
  const examples = join(root, "examples");
  const pipelines = readdirSync(examples).filter((name) => name.endsWith(".pipeline.json"));
  const covered = new Set(
    specFiles
      .filter((file) => file.startsWith("examples"))
      .map((file) => (JSON.parse(readFileSync(join(root, file), "utf8")) as { pipeline: unknown }).pipeline)
      .filter((pipeline): pipeline is string => typeof pipeline === "string")
      .map((pipeline) => basename(pipeline)),
  );
  expect(pipelines.length).toBeGreaterThan(0);
  expect(pipelines.filter((name) => !covered.has(name))).toEqual([]);
});

test.each(specFiles)("%s passes", async (file) => {
  await expectSpecToPass(join(root, file), { displayName: file });
});
