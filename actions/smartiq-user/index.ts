/** SmartIQ User (`smartiq-user`): creates and maintains user accounts in the embedded directory. */
import { defineAction, type ActionPlugin } from "../../runtime/definition";
import { smartiqUserDefinition } from "./definition";
import { smartiqUserHandler } from "./handler";

export const smartiqUserAction: ActionPlugin = defineAction({
  definition: smartiqUserDefinition,
  handler: smartiqUserHandler,
});

export { INPUT as SMARTIQ_USER_INPUT, OUTPUT as SMARTIQ_USER_OUTPUT, smartiqUserDefinition } from "./definition";
