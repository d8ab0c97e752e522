/**
 * Types shared by step types and connectors: what both get from the run around them. Kept apart
 * so that neither imports the other.
 */

/** Levels of a run's log lines, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

export interface StepLogger {
  debug(message: string, fields?: Readonly<Record<string, unknown>>): void;
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** A named credential from secrets.yml, the environment or a vault (seed 003). */
export type Secret =
  | {
      readonly name: string;
      readonly type: "credential";
      readonly username: string;
      readonly password: string;
    }
  | { readonly name: string; readonly type: "token"; readonly token: string };

/** Gives steps the secrets they name; the values never reach logs or errors (they are masked). */
export interface SecretResolver {
  /** Throws a clear error naming the secret when it does not exist. */
  get(name: string): Secret;
  names(): readonly { readonly name: string; readonly type: Secret["type"] }[];
}

/** Folders a step resolves relative paths against (seed 003's environment variables). */
export interface StepPaths {
  readonly data: string;
  readonly flows: string;
  readonly templates: string;
}
