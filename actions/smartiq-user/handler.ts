/**
 * SmartIQ User: creates or updates one user in the embedded directory.
 *
 * All or nothing: the inputs are checked first, the password is hashed before the write lock is
 * taken (scrypt is slow on purpose), and then every read and write happens in ONE IMMEDIATE
 * transaction. The lookup of the username happens under that lock, so two runs creating the same
 * user at once serialise: one creates, the other finds the user and updates it (or fails with
 * USER_EXISTS). Messages are emitted only after the commit, so they never describe a change that
 * was rolled back.
 */
import { auditTarget, cancellationSignal, type ActionContext } from "../../runtime/context";
import type { ActionHandler, ActionOutcome } from "../../runtime/definition";
import {
  DEFAULT_PASSWORD_POLICY,
  generatePassword,
  hashPassword,
  requireSqliteDirectory,
  type DirectoryUser,
  type PasswordHash,
  type SqliteDirectory,
  type UserChanges,
} from "../../runtime/directory";
import { SiqError } from "../../runtime/errors";
import { INPUT, OUTPUT } from "./definition";
import { readUserRequest, type UserRequest } from "./read-inputs";

interface Applied {
  user: DirectoryUser;
  existed: boolean;
  steps: string[];
}

/** Thrown inside the transaction to roll a dry run back; never leaves this module. */
class DryRunRollback extends Error {
  constructor(readonly applied: Applied) {
    super("dry run");
  }
}

export const smartiqUserHandler: ActionHandler = async (inputs, context) => {
  const action = context.action.name;
  const request = readUserRequest(inputs, action);
  const directory = requireSqliteDirectory(context);

  const password = choosePassword(request, context);
  // Hash outside the transaction: the write lock is held only for the quick part.
  const passwordHash = password === undefined ? undefined : await hashPassword(password.value);
  // cancellationSignal, not context.signal: reading context.signal makes an AbortSignal for a run
  // that nothing can cancel, and on Node 20 every AbortSignal is promoted to the old generation
  // (about 460 bytes each under --trace-gc-nvp), so a bulk of 100,000 users left some 45 MB of
  // them there for full collections to find.
  throwIfAborted(cancellationSignal(context));

  // When audit records land in this directory (through the engine's masking wrapper), the
  // record is written inside the transaction: the change and its record commit together.
  const auditInside = auditTarget(context.audit) === directory;
  let applied: Applied;
  try {
    applied = directory.transaction(() => {
      const result = apply(directory, request, context, password, passwordHash);
      if (context.dryRun) throw new DryRunRollback(result);
      if (auditInside) directory.record(context.redactor.mask(auditRecord(context, result)));
      return result;
    });
  } catch (error) {
    if (error instanceof DryRunRollback) return dryRunOutcome(error.applied, context);
    throw withAction(error, action);
  }

  if (!auditInside) await recordAudit(context, applied);
  for (const step of applied.steps) context.message(step);
  const outcome: ActionOutcome = {
    outputs: {
      [OUTPUT.existingUserUpdated]: applied.existed,
      [OUTPUT.password]: password?.value ?? "",
      [OUTPUT.userGuid]: applied.user.guid,
      [OUTPUT.userId]: applied.user.id,
      [OUTPUT.username]: applied.user.username,
    },
  };
  return outcome;
};

interface ChosenPassword {
  value: string;
  generated: boolean;
}

/** Password wins over Reset Password; a generated one follows the host's policy. */
function choosePassword(request: UserRequest, context: ActionContext): ChosenPassword | undefined {
  let chosen: ChosenPassword | undefined;
  if (request.password !== undefined) chosen = { value: request.password, generated: false };
  else if (request.resetPassword) {
    const policy = context.settings.passwordPolicy ?? DEFAULT_PASSWORD_POLICY;
    try {
      chosen = { value: generatePassword(policy), generated: true };
    } catch (error) {
      throw withAction(error, context.action.name);
    }
  }
  // Registered at once, so no log line, message or error from here on can show it.
  if (chosen) context.redactor.addSecret(chosen.value);
  return chosen;
}

/** Everything that touches the directory; runs inside the caller's transaction. */
function apply(
  directory: SqliteDirectory,
  request: UserRequest,
  context: ActionContext,
  password: ChosenPassword | undefined,
  passwordHash: PasswordHash | undefined,
): Applied {
  const action = context.action.name;
  const steps: string[] = [];
  const step = (text: string) => {
    if (!request.verbose) return;
    steps.push(text);
    directory.writeManagementLog({ source: action, user: context.user.username, message: text });
  };

  const runningUser = directory.findUser(context.user.guid ?? context.user.username);
  const runningIsAdmin = runningUser !== undefined && directory.isAdministrator(runningUser.guid);

  // Checks first, so a failure is reported before anything is written (the rollback would undo it anyway).
  const existing = directory.getUserByUsername(request.username);
  if (existing && !request.updateExisting) {
    throw new SiqError(
      "USER_EXISTS",
      `A user named "${existing.username}" already exists (usernames ignore case) and "${INPUT.updateExistingUser}" is false; set it to true to update the user.`,
      { action, input: INPUT.updateExistingUser },
    );
  }
  if (existing && !runningIsAdmin && directory.isAdministrator(existing.guid)) {
    throw new SiqError(
      "ADMIN_USER_DENIED",
      `The user "${existing.username}" in "${INPUT.preferredUsername}" is an administrator, and only an administrator may change an administrator's account; "${context.user.username}" is not one. Nothing was changed.`,
      { action, input: INPUT.preferredUsername },
    );
  }
  const toRemove = request.groupsToRemove.map((name) => ({ name, group: directory.findGroup(name) }));
  const toAdd = request.groupsToAdd.flatMap((name) => {
    const group = directory.findGroup(name);
    if (group) return [group];
    // An earlier action of this dry run may create the group (it changed nothing, so the
    // directory cannot say): carry on without it, and say so.
    if (context.dryRun) {
      context.message(`Dry run: the group "${name}" does not exist yet (an earlier action may create it); a real run fails with UNKNOWN_GROUP unless one does.`);
      return [];
    }
    throw unknownGroup(name, action);
  });
  if (!runningIsAdmin) {
    const denied =
      toRemove.find((entry) => entry.group?.administrators === true)?.group ?? toAdd.find((group) => group.administrators);
    if (denied) {
      const input = toRemove.some((entry) => entry.group?.id === denied.id) ? INPUT.groupsToRemove : INPUT.groupsToAdd;
      throw new SiqError(
        "ADMIN_GROUP_DENIED",
        `"${denied.name}" in "${input}" is an administrators group; only an administrator may add anyone to it or remove anyone from it, and "${context.user.username}" is not one. Nothing was changed.`,
        { action, input },
      );
    }
  }

  let user: DirectoryUser;
  if (existing) {
    step(`Found the user "${existing.username}" (ID ${existing.id}); updating it.`);
    const changes: UserChanges = { ...request.fields };
    if (request.customFields) changes.customFields = request.customFields;
    if (request.disabled !== undefined) changes.disabled = request.disabled;
    if (request.mustChangePassword !== undefined) changes.mustChangePassword = request.mustChangePassword;
    if (passwordHash !== undefined) changes.passwordHash = passwordHash;
    user = directory.updateUser(existing.guid, changes);
  } else {
    step(`No user is named "${request.username}"; creating it.`);
    user = directory.createUser({
      username: request.username,
      ...request.fields,
      ...(request.customFields ? { customFields: request.customFields } : {}),
      disabled: request.disabled ?? false,
      mustChangePassword: request.mustChangePassword ?? false,
      ...(passwordHash !== undefined ? { passwordHash } : {}),
    });
    step(`Created the user "${user.username}" with ID ${user.id} and GUID ${user.guid}.`);
  }

  if (request.fieldInputs.length > 0) step(`Set ${request.fieldInputs.join(", ")}.`);
  if (request.customFields) step(`Set the custom fields ${request.customFields.map(([name]) => `"${name}"`).join(", ")}.`);
  if (request.disabled !== undefined) step(request.disabled ? "Disabled the account." : "Enabled the account.");
  if (password) step(password.generated ? `Generated a new password ("${INPUT.resetPassword}").` : `Set the password given in "${INPUT.password}".`);
  if (request.mustChangePassword !== undefined) {
    step(request.mustChangePassword ? "The user must change the password at the next login." : "The user need not change the password at the next login.");
  }

  for (const { name, group } of toRemove) {
    if (!group) step(`The group "${name}" does not exist; nothing to remove.`);
    else if (directory.removeUserFromGroup(user.guid, group.id)) step(`Removed the user from the group "${group.name}".`);
    else step(`The user is not in the group "${group.name}"; nothing to remove.`);
  }
  for (const group of toAdd) {
    if (directory.addUserToGroup(user.guid, group.id)) step(`Added the user to the group "${group.name}".`);
    else step(`The user is already in the group "${group.name}".`);
  }

  return { user: directory.getUser(user.guid) ?? user, existed: existing !== undefined, steps };
}

function unknownGroup(name: string, action: string): SiqError {
  const hint = name.includes("|")
    ? ` It looks like several names joined by "|": put one group per line, for example =Replace([q37.GroupName], "|", chr(10)).`
    : " Create the group first (siq directory groups add NAME), or correct the name.";
  return new SiqError("UNKNOWN_GROUP", `The group "${name}" in "${INPUT.groupsToAdd}" does not exist.${hint} Nothing was changed.`, {
    action,
    input: INPUT.groupsToAdd,
  });
}

function auditRecord(context: ActionContext, applied: Applied): Parameters<ActionContext["audit"]["record"]>[0] {
  return {
    time: context.clock.now().toISOString(),
    event: applied.existed ? "user.updated" : "user.created",
    user: context.user.username,
    detail: `${context.action.name}: ${applied.existed ? "updated" : "created"} "${applied.user.username}" (${applied.user.guid})`,
  };
}

/** An audit sink other than the directory is written after the commit; its failure does not undo the change. */
async function recordAudit(context: ActionContext, applied: Applied): Promise<void> {
  try {
    await context.audit.record(auditRecord(context, applied));
  } catch (error) {
    context.logger.log("warn", "audit.failed", {
      action: context.action.name,
      message: context.redactor.maskText(error instanceof Error ? error.message : String(error)),
    });
  }
}

function dryRunOutcome(applied: Applied, context: ActionContext): ActionOutcome {
  for (const step of applied.steps) context.message(step);
  context.message("Dry run: the directory was not changed.");
  return {
    outputs: {
      [OUTPUT.existingUserUpdated]: applied.existed,
      [OUTPUT.password]: "",
      [OUTPUT.userGuid]: applied.existed ? applied.user.guid : "",
      [OUTPUT.userId]: applied.existed ? applied.user.id : 0,
      [OUTPUT.username]: applied.user.username,
    },
  };
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new SiqError("CANCELLED", "The run was cancelled before the user was saved; nothing was changed.");
}

/** Gives a directory error this action's name (the directory does not know it). */
function withAction(error: unknown, action: string): SiqError {
  if (error instanceof SiqError) {
    if (error.action !== undefined) return error;
    return new SiqError(error.code, error.message, {
      retryable: error.retryable,
      action,
      ...(error.input !== undefined ? { input: error.input } : {}),
      cause: error,
    });
  }
  return new SiqError("INTERNAL", `"${action}" failed unexpectedly; nothing was changed. Please report it.`, { action, cause: error });
}
