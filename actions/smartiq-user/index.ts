/** SmartIQ User (`smartiq-user`): creates and maintains user accounts in the embedded directory. */
import { defineAction, type ActionPlugin } from "../../runtime/definition";
import { lazyHandler } from "../../runtime/util/lazy";
import type * as Handler from "./handler";
import { smartiqUserDefinition } from "./definition";

export const smartiqUserAction: ActionPlugin = defineAction({
  definition: smartiqUserDefinition,
  // Loaded on the first run: the directory pulls in better-sqlite3, which validating does not need.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy, see runtime/util/lazy.ts
  handler: lazyHandler(() => (require("./handler") as typeof Handler).smartiqUserHandler),
});

export { INPUT as SMARTIQ_USER_INPUT, OUTPUT as SMARTIQ_USER_OUTPUT, smartiqUserDefinition } from "./definition";
