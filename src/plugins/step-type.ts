import type { z } from "zod";
import type { Connection, ConnectorKind } from "../connectors/connector.js";
import type { LogLevel, Secret, SecretResolver, StepLogger, StepPaths } from "./runtime-types.js";

export type { LogLevel, Secret, SecretResolver, StepLogger, StepPaths };

/** How far a step has come: a fraction from 0 to 1, or counts from which it is derived. */
export type StepProgress = number | { readonly done: number; readonly total: number; readonly unit?: string };

/** Starts other flows as sub-runs of the current run (the flow and flow_loop steps). */
export interface SubflowRunner {
  /**
   * Runs the flow at `path` (relative to FLOWS_PATH) with `input` as its data, as a real run
   * linked to this one; resolves with the sub-run's data, rejects when it does not complete.
   */
  run(
    path: string,
    input: unknown,
    options?: { readonly label?: string },
  ): Promise<Readonly<Record<string, unknown>>>;
}

/** The named connections of connections.yml, opened on first use and shared by the steps. */
export interface ConnectionProvider {
  /** Throws a clear error naming the connection (and the known ones) when it does not exist. */
  get(name: string): Promise<Connection>;
  names(): readonly string[];
}

/** What a running step knows about where it runs. */
export interface StepContext {
  readonly run: { readonly id: number; readonly flow: string };
  readonly step: {
    readonly name: string;
    /** 1 for the first try. */
    readonly attempt: number;
    /** Set when the step fans out with `for_each`. */
    readonly item?: { readonly index: number; readonly value: unknown };
  };
  /** The run's data so far: values under each step's result_key and the flow's input. */
  readonly data: Readonly<Record<string, unknown>>;
  readonly log: StepLogger;
  progress(progress: StepProgress): void;
  /** Aborted when the run is cancelled or the step times out. Pass it to every I/O call. */
  readonly signal: AbortSignal;
  /** Where the flow file lives, to resolve paths a step names relative to it. */
  readonly flowDirectory: string | undefined;
  readonly paths: StepPaths;
  readonly secrets: SecretResolver;
  readonly subflows: SubflowRunner;
  readonly connections: ConnectionProvider;
}

export interface StepRunArgs<Options> {
  /** The value picked with `data_key`, or undefined when the step has none. */
  readonly input: unknown;
  /** The step's options block, with its templates rendered. */
  readonly options: Options;
  readonly context: StepContext;
}

/**
 * A kind of step. Built-in types and third-party ones are defined the same way and registered
 * through a plugin.
 *
 * @example
 * const upper: StepType<{ key: string }> = {
 *   name: "upper",
 *   description: "Upper-cases a string",
 *   options: z.object({ key: z.string() }),
 *   run: ({ input }) => String(input).toUpperCase(),
 * };
 */
export interface StepType<Options = unknown> {
  /** The value of `type:` in a flow file, and the name of the step's options block. */
  readonly name: string;
  readonly description: string;
  /** Schema of the options block; it feeds validation and the generated JSON Schema. */
  readonly options: z.ZodType<Options>;
  /** Option names whose text is kept as written instead of being rendered as a template first. */
  readonly rawOptions?: readonly string[];
  /** Extra checks of the options beyond their schema (a query that must parse, say). */
  check?(options: Options): Promise<readonly OptionProblem[]> | readonly OptionProblem[];
  run(args: StepRunArgs<Options>): Promise<unknown> | unknown;
}

/** A problem `check` found, at a path inside the options block. */
export interface OptionProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly hint?: string;
}

/** A package or module that adds step types. */
export interface OctoflowPlugin {
  readonly name: string;
  // StepType<any>: each type has its own options; the registry keeps them side by side.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly stepTypes?: readonly StepType<any>[];
  /** Kinds of connection (postgres, s3, …) for connections.yml. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly connectors?: readonly ConnectorKind<any>[];
}

/** Declares a step type with its options type inferred from the schema. */
export function defineStepType<Schema extends z.ZodType>(
  definition: Omit<StepType<z.output<Schema>>, "options"> & { options: Schema },
): StepType<z.output<Schema>> {
  return definition as StepType<z.output<Schema>>;
}
