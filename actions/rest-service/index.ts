/** Send to REST Service (SPEC 5.1): the plain request pipeline. */
import { defineAction } from "../../runtime/definition";
import type * as HttpAction from "../../runtime/http/http-action";
import { checkHttpInputs } from "../../runtime/http/static-checks";
import { lazyHandler } from "../../runtime/util/lazy";
import { restServiceDefinition } from "./definition";

export const restServiceAction = defineAction({
  definition: restServiceDefinition,
  // Loaded on the first run: the request pipeline pulls in undici, which validating does not need.
  handler: lazyHandler(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy, see runtime/util/lazy.ts
    const { runHttpAction } = require("../../runtime/http/http-action") as typeof HttpAction;
    return (inputs, context) => runHttpAction(inputs, context);
  }),
  check: checkHttpInputs,
});
