/** Send to REST Service (SPEC 5.1): the plain request pipeline. */
import { defineAction } from "../../runtime/definition";
import { runHttpAction } from "../../runtime/http/http-action";
import { checkHttpInputs } from "../../runtime/http/static-checks";
import { restServiceDefinition } from "./definition";

export const restServiceAction = defineAction({
  definition: restServiceDefinition,
  handler: (inputs, context) => runHttpAction(inputs, context),
  check: checkHttpInputs,
});
