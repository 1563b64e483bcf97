/**
 * `siq directory`: administers the embedded user directory (SPEC 8).
 *
 *   siq directory users [list|show NAME]
 *   siq directory groups list | groups add NAME [--admin] [--role R ...]
 *   siq directory roles list | roles add NAME --permission P ...
 *
 * with `--data DIR` (default SIQ_DATA_DIR, else ./.siq) and `--json`, anywhere on the line.
 * Failures are thrown as SiqError (or CommanderError for usage), for the program's runner to
 * print as `error CODE: message` and turn into the exit code. Every nested command has
 * exitOverride, so a usage error never ends the process from inside.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import { createColors } from "picocolors";
import { openDirectory, type DirectoryGroup, type DirectoryRole, type DirectoryUser, type Page, type SqliteDirectory } from "../directory";
import { SiqError } from "../errors";

/** What the command needs of the process; the program's CliIo fits it. */
export interface DirectoryCommandIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

interface GlobalOptions {
  data?: string;
  json?: boolean;
}

type Colors = ReturnType<typeof createColors>;

export function directoryCommand(io: DirectoryCommandIo = processIo()): Command {
  const directory = new Command("directory")
    .description("administer the embedded user directory (users, groups, roles)")
    .addOption(new Option("--data <dir>", "the data folder holding directory.sqlite (default: SIQ_DATA_DIR, else ./.siq)"))
    .option("--json", "print JSON instead of tables");

  const users = directory.command("users").description("list users, or show one user");
  users
    .command("list", { isDefault: true })
    .description("list users, in id order")
    .addOption(pageOption("--skip <n>", "users to skip", 0))
    .addOption(pageOption("--top <n>", "most users to show (at most 1000)", 100))
    .action(async (options: { skip: number; top: number }, command: Command) => {
      await withDirectory(io, command, (dir, out) => {
        const page = dir.listUsers({ skip: options.skip, top: options.top });
        if (out.json) return writeJson(io, page);
        writeTable(io, out.colors, ["ID", "USERNAME", "NAME", "EMAIL", "GROUPS", "STATUS"], page.items.map(userRow));
        writePageFooter(io, out.colors, page, "user");
      });
    });
  users
    .command("show")
    .description("show one user: every field, groups and custom fields")
    .argument("<name>", "a username (ignoring case) or GUID")
    .action(async (name: string, _options: unknown, command: Command) => {
      await withDirectory(io, command, (dir, out) => {
        const user = dir.getUser(name);
        if (!user) throw new SiqError("UNKNOWN_USER", `No user "${name}" (username ignoring case, or GUID) exists in the directory; \`siq directory users\` lists them.`);
        if (out.json) return writeJson(io, user);
        writeUser(io, out.colors, user, dir.isAdministrator(user.guid));
      });
    });

  const groups = directory.command("groups").description("list or add groups");
  groups
    .command("list", { isDefault: true })
    .description("list groups with their roles and member counts")
    .addOption(pageOption("--skip <n>", "groups to skip", 0))
    .addOption(pageOption("--top <n>", "most groups to show (at most 1000)", 1000))
    .action(async (options: { skip: number; top: number }, command: Command) => {
      await withDirectory(io, command, (dir, out) => {
        const page = dir.listGroups({ skip: options.skip, top: options.top });
        if (out.json) return writeJson(io, page);
        writeTable(io, out.colors, ["ID", "NAME", "ADMINISTRATORS", "ROLES", "MEMBERS"], page.items.map(groupRow));
        writePageFooter(io, out.colors, page, "group");
      });
    });
  groups
    .command("add")
    .description("add a group")
    .argument("<name>", "the group's name (unique ignoring case)")
    .option("--admin", "flag the group as administrators: its members are administrators")
    .option("--role <role...>", "a role the group holds (repeatable)")
    .action(async (name: string, options: { admin?: boolean; role?: string[] }, command: Command) => {
      await withDirectory(io, command, (dir, out) => {
        const group = dir.addGroup({ name, administrators: options.admin === true, roles: options.role ?? [] });
        if (out.json) return writeJson(io, group);
        io.stdout.write(`Added the group ${out.colors.bold(group.name)} (ID ${group.id})${describeGroup(group)}.\n`);
      });
    });

  const roles = directory.command("roles").description("list or add roles");
  roles
    .command("list", { isDefault: true })
    .description("list roles with their permissions")
    .action(async (_options: unknown, command: Command) => {
      await withDirectory(io, command, (dir, out) => {
        const list = dir.listRoles();
        if (out.json) return writeJson(io, list);
        writeTable(io, out.colors, ["ID", "NAME", "PERMISSIONS"], list.map(roleRow));
      });
    });
  roles
    .command("add")
    .description("add a role with permissions")
    .argument("<name>", "the role's name (unique ignoring case)")
    .requiredOption("--permission <permission...>", "Impersonate or ManageUsers (repeatable)")
    .action(async (name: string, options: { permission: string[] }, command: Command) => {
      await withDirectory(io, command, (dir, out) => {
        const role = dir.addRole({ name, permissions: options.permission });
        if (out.json) return writeJson(io, role);
        io.stdout.write(`Added the role ${out.colors.bold(role.name)} (ID ${role.id}) with ${role.permissions.join(", ") || "no permissions"}.\n`);
      });
    });

  configureAll(directory, io);
  return directory;
}

/** Output settings and exitOverride on every nested command (commander copies neither to added commands). */
function configureAll(command: Command, io: DirectoryCommandIo): void {
  command
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .exitOverride()
    .showHelpAfterError("(run `siq directory --help` for usage)");
  for (const sub of command.commands) configureAll(sub, io);
}

interface Output {
  json: boolean;
  colors: Colors;
}

async function withDirectory(io: DirectoryCommandIo, command: Command, body: (directory: SqliteDirectory, out: Output) => void): Promise<void> {
  const options = command.optsWithGlobals<GlobalOptions>();
  const opened = openDirectory({ ...(options.data !== undefined ? { dataDir: options.data } : {}), env: io.env, cwd: io.cwd });
  try {
    if (opened.createdAdminPassword !== undefined) {
      // Once only: the directory keeps nothing but its hash. On stderr, so --json output stays parseable.
      io.stderr.write(
        `Created a new user directory at ${opened.directory.file}.\n` +
          `The password of the user "admin" is: ${opened.createdAdminPassword}\n` +
          "It is shown only this once; store it safely (or set SIQ_ADMIN_PASSWORD before the first use).\n",
      );
    }
    body(opened.directory, { json: options.json === true, colors: colorsFor(io) });
  } finally {
    opened.directory.close();
  }
}

function pageOption(flags: string, description: string, fallback: number): Option {
  return new Option(flags, description).default(fallback).argParser((text: string) => {
    if (!/^\d{1,9}$/.test(text.trim())) throw new InvalidArgumentError("It must be a whole number, 0 or more.");
    return Number(text.trim());
  });
}

function writeJson(io: DirectoryCommandIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Columns padded to their widest cell; cells are single-line (line breaks shown as spaces). */
function writeTable(io: DirectoryCommandIo, colors: Colors, headers: string[], rows: string[][]): void {
  const clean = rows.map((row) => row.map((cell) => cell.replace(/[\r\n\t]+/g, " ")));
  const widths = headers.map((header, i) => Math.max(header.length, ...clean.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  io.stdout.write(`${colors.bold(line(headers))}\n`);
  for (const row of clean) io.stdout.write(`${line(row)}\n`);
}

function writePageFooter(io: DirectoryCommandIo, colors: Colors, page: Page<unknown>, noun: string): void {
  const plural = page.total === 1 ? noun : `${noun}s`;
  if (page.items.length === page.total) {
    io.stdout.write(colors.dim(`${page.total} ${plural}.\n`));
    return;
  }
  const first = page.items.length === 0 ? 0 : page.skip + 1;
  const last = page.skip + page.items.length;
  const more = last < page.total ? ` Use --skip ${last} for more.` : "";
  io.stdout.write(colors.dim(`${first}-${last} of ${page.total} ${plural}.${more}\n`));
}

function userRow(user: DirectoryUser): string[] {
  const status = [user.disabled ? "disabled" : "enabled", user.mustChangePassword ? "must change password" : ""].filter(Boolean).join(", ");
  return [String(user.id), user.username, `${user.firstName} ${user.lastName}`.trim(), user.email, user.groups.join(", "), status];
}

function groupRow(group: DirectoryGroup): string[] {
  return [String(group.id), group.name, group.administrators ? "yes" : "no", group.roles.join(", "), String(group.memberCount)];
}

function roleRow(role: DirectoryRole): string[] {
  return [String(role.id), role.name, role.permissions.join(", ")];
}

function describeGroup(group: DirectoryGroup): string {
  const parts: string[] = [];
  if (group.administrators) parts.push("administrators");
  if (group.roles.length > 0) parts.push(`roles ${group.roles.join(", ")}`);
  return parts.length === 0 ? "" : `: ${parts.join("; ")}`;
}

const USER_LABELS: Array<[string, (user: DirectoryUser) => string]> = [
  ["GUID", (u) => u.guid],
  ["ID", (u) => String(u.id)],
  ["First name", (u) => u.firstName],
  ["Last name", (u) => u.lastName],
  ["Email", (u) => u.email],
  ["Job title", (u) => u.jobTitle],
  ["Organisation", (u) => u.organisation],
  ["Phone", (u) => u.phone],
  ["Address line 1", (u) => u.addressLine1],
  ["Address line 2", (u) => u.addressLine2],
  ["City", (u) => u.city],
  ["State", (u) => u.state],
  ["Postcode", (u) => u.postcode],
  ["Country", (u) => u.country],
  ["Theme", (u) => u.theme],
  ["Disabled", (u) => (u.disabled ? "yes" : "no")],
  ["Password set", (u) => (u.hasPassword ? "yes" : "no")],
  ["Must change password", (u) => (u.mustChangePassword ? "yes" : "no")],
  ["Groups", (u) => u.groups.join(", ")],
  ["Created", (u) => u.createdAt],
  ["Updated", (u) => u.updatedAt],
];

function writeUser(io: DirectoryCommandIo, colors: Colors, user: DirectoryUser, administrator: boolean): void {
  io.stdout.write(`${colors.bold(user.username)}${administrator ? colors.dim(" (administrator)") : ""}\n`);
  const width = Math.max(...USER_LABELS.map(([label]) => label.length));
  for (const [label, read] of USER_LABELS) {
    io.stdout.write(`  ${colors.dim(label.padEnd(width))}  ${read(user).replace(/[\r\n\t]+/g, " ")}\n`);
  }
  const fields = Object.entries(user.customFields);
  if (fields.length > 0) {
    io.stdout.write(`  ${colors.dim("Custom fields")}\n`);
    const fieldWidth = Math.max(...fields.map(([name]) => name.length));
    for (const [name, value] of fields) io.stdout.write(`    ${name.padEnd(fieldWidth)}  ${value.replace(/[\r\n\t]+/g, " ")}\n`);
  }
}

/** Colour only on a terminal, never with NO_COLOR (https://no-color.org). */
function colorsFor(io: DirectoryCommandIo): Colors {
  const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "";
  return createColors(!noColor && io.stdout.isTTY === true);
}

function processIo(): DirectoryCommandIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}
