/**
 * siq-actions: the public API. Everything a host needs is exported here; anything not
 * exported is internal and may change.
 */
export { createRuntime, defaultSettings, systemClock, type Runtime, type RuntimeOptions, type RunOptions } from "./runtime";
export { loadPipeline, inspectPipelineFile, inspectPipelineData, type LoadOptions, type LoadResult } from "./pipeline/load";
export { PipelineInvalidError, formatProblemLine, type Problem } from "./pipeline/problems";
export type { Pipeline, PipelineAction, Question, Connection } from "./pipeline/types";
export type { ActionResult, ActionStatus, RunEvent, RunResult, RunStatus } from "./engine/result";
export { SiqError, isActionError, ERROR_CODES, type ErrorCode } from "./errors";
export { defineAction } from "./definition";
export type {
  ActionDefinition,
  ActionHandler,
  ActionOutcome,
  ActionPlugin,
  BoundDocument,
  BoundInput,
  BoundInputs,
  InputDefinition,
  InputType,
  OutputDefinition,
} from "./definition";
export type {
  ActionContext,
  AuditRecord,
  AuditSink,
  Clock,
  DirectoryUserSummary,
  DryRunRequest,
  Logger,
  Permission,
  RunningUser,
  RuntimeSettings,
  TokenProvider,
  UserDirectoryPort,
} from "./context";
export { Redactor, MASK } from "./redact";
export { JsonData, SiqDate, type JsonValue, type Value } from "./values";
export { builtInActions } from "../actions";
export { openDirectory, SqliteDirectory, hashPassword, type OpenDirectoryOptions, type OpenedDirectory } from "./directory";
export {
  startHost,
  HostTokens,
  EgressPolicy,
  parseAllowHosts,
  HOST_URL_VARIABLE,
  type Host,
  type HostOptions,
  type AllowedHost,
  type Resolver,
  type RequestLogEntry,
} from "./host";
export { connectorActions, loadConnector, loadConnectorActions, type Connector } from "./connectors";
