/**
 * The built-in actions, listed explicitly: no directory scanning, so what ships is what is
 * written here. Hosts add their own through `createRuntime({ actions })`.
 */
import type { ActionPlugin } from "../runtime/definition";
import { connectorBuiltIns } from "./connectors";
import { restServiceAction } from "./rest-service";
import { smartiqApiAction } from "./smartiq-api";
import { smartiqUserAction } from "./smartiq-user";

export const builtInActions: readonly ActionPlugin[] = [smartiqUserAction, smartiqApiAction, restServiceAction, ...connectorBuiltIns];
