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
  ServerError,
  TimeoutError,
  errorFromNetworkFailure,
  errorFromResponse,
  type FailedResponse,
} from "./errors.js";
export { httpOptsFor, type HttpOptions } from "./http/options.js";
export { httpGet, httpPost } from "./http/request.js";
export type { ContainerRegistry, RegistryEntry } from "./registry/registry.js";
export {
  FileContainerRegistry,
  type FileContainerRegistryOptions,
  type RegistryProblem,
} from "./registry/file-registry.js";
export { probeAlive } from "./registry/probe.js";
