/** The embedded user directory (SPEC section 8): SQLite through better-sqlite3. */
export {
  ADMIN_USERNAME,
  ADMINISTRATOR_ROLE,
  ADMINISTRATORS_GROUP,
  DEFAULT_BUSY_TIMEOUT_MS,
  DEFAULT_DATA_DIR,
  DIRECTORY_FILE_NAME,
  directoryFile,
  directoryOnDatabase,
  openDirectory,
  type OpenDirectoryOptions,
  type OpenedDirectory,
} from "./open-directory";
export { SqliteDirectory, PERMISSIONS, toPermission, type GroupRef, type GroupSummary } from "./sqlite-directory";
export { requireSqliteDirectory } from "./require-directory";
export {
  DEFAULT_PASSWORD_POLICY,
  DEFAULT_SCRYPT_COST,
  checkPasswordPolicy,
  generatePassword,
  hashPassword,
  verifyPasswordHash,
  type PasswordHash,
  type ScryptCost,
} from "./passwords";
export { LATEST_VERSION, MIGRATIONS, type Migration } from "./migrations";
export { checkEmail, isValidEmail, nameKey } from "./validation";
export type * from "./types";
export { USER_TEXT_FIELDS } from "./types";
