import {
  AppBuildingError,
  AuthenticationError,
  ConfigurationError,
  ContainerGoneError,
  ContainerStartError,
  NotFoundError,
  SDK_ERROR_CODES,
  TimeoutError,
} from "../errors.js";
import { EXIT_CODES } from "../exit-codes.js";

/** The exit code for an error. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof ConfigurationError)
    return error.code === SDK_ERROR_CODES.unknownContainer ? EXIT_CODES.notFound : EXIT_CODES.config;
  if (error instanceof NotFoundError) return EXIT_CODES.notFound;
  if (error instanceof AuthenticationError) return EXIT_CODES.auth;
  if (error instanceof ContainerGoneError) return EXIT_CODES.gone;
  if (error instanceof TimeoutError) return EXIT_CODES.timeout;
  if (error instanceof ContainerStartError) return EXIT_CODES.startFailed;
  if (error instanceof UsageError) return EXIT_CODES.usage;
  return EXIT_CODES.failure;
}

/** A command line that cannot work: a missing argument or a bad flag value. */
export class UsageError extends AppBuildingError {
  constructor(message: string) {
    super(message, { code: SDK_ERROR_CODES.usage });
  }
}
