export { DEFAULT_IMAGE_REF, getImageRef } from "./image.js";
export type { AgentState, ContainerConfig, DriverName, RepoOptions } from "./state.js";
export {
  AppBuildingError,
  AuthenticationError,
  CapacityError,
  ConfigurationError,
  ContainerGoneError,
  ContainerStartError,
  InvalidRequestError,
  NotFoundError,
  SDK_ERROR_CODES,
  ServerError,
  TimeoutError,
  errorFromNetworkFailure,
  errorFromResponse,
  type AppBuildingErrorCode,
  type FailedResponse,
  type SdkErrorCode,
} from "./errors.js";
export { containerHttpOptions, httpOptsFor, type HttpOptions } from "./http/options.js";
export { httpGet, httpPost } from "./http/request.js";
export type { ContainerRegistry, MaybePromise, RegistryEntry } from "./registry/registry.js";
export {
  FileContainerRegistry,
  type FileContainerRegistryOptions,
  type RegistryProblem,
} from "./registry/file-registry.js";
export { probeAlive } from "./registry/probe.js";
export type { ContainerClient, ControlAnswer, SendMessageOptions, WaitOptions } from "./client/client.js";
export { createClient } from "./client/client.js";
export type { StreamOptions } from "./client/follow.js";
export type { DockerSettings, FlySettings } from "./state.js";
export {
  chooseDriver,
  startContainer,
  startRemoteContainer,
  stopContainer,
  stopRemoteContainer,
  type StartContainerOptions,
  type StopOptions,
  type StopResult,
} from "./lifecycle.js";
export { processDriver, resolveRuntimeEntry } from "./drivers/process.js";
export { dockerDriver } from "./drivers/docker.js";
export { dockerEngineAnswers } from "./drivers/docker-cli.js";
export { flyDriver } from "./drivers/fly.js";
export {
  DEFAULT_FLY_API_BASE_URL,
  FlyMachinesApi,
  listMachines,
  type FlyMachineCreate,
  type FlyMachineInfo,
} from "./drivers/fly-api.js";
export { DEFAULT_READY_TIMEOUT_MS } from "./drivers/driver.js";
export type { Driver, ReadinessWait, StartOptions, StartProgress } from "./drivers/driver.js";
export { EXIT_CODES } from "./exit-codes.js";
export { defaultRegistryPath, defaultStateDir } from "./paths/state-dir.js";
export { ContainerJournal } from "./stopped/journal.js";
export type { ContainerOutcome, StoppedContainer } from "./stopped/outcome.js";
export { isContainerGone, openStoppedJournal, readStoppedContainer, type StoppedReadOptions } from "./stopped/read.js";
export { pruneContainers, type PruneOptions, type PruneReport } from "./prune.js";
export { buildImage } from "./drivers/build-image.js";
export { connect, type ConnectOptions } from "./seed/connect.js";
export { loadDotEnv } from "./seed/dotenv.js";
export { spawnTestContainer, type TestContainerOptions } from "./seed/test-container.js";
export type {
  ContainerStatus,
  EventData,
  EventKind,
  JournalEvent,
  LogLine,
  Message,
  MessageStatus,
} from "./contracts.js";
