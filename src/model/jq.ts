/**
 * octoflow's jq engine: the real jq 1.8.2, compiled to WebAssembly (`jq-wasm`), run in worker threads.
 *
 * Why jq-wasm 3 (pinned to 3.0.0-jq-1.8.2; npm's "latest" tag still names 1.0.1, which is jq 1.7.1):
 * on jq's own manual examples (man.test, 231 cases, input as JSON text) it passed 229, jq-web
 * 0.6.2 and jq-wasm 1.0.1 (both jq 1.7.1) 219 each; through this module, with JavaScript values,
 * 226 (test/conformance/jq-manual.test.ts says why not the rest). A 10 MB input took 0.46 s in
 * jq (0.55 s through this module), jq-web 0.50 s, and jq-wasm 1.0.1, which copies its stdin buffer
 * per byte, had not finished after 60 s. 20,000 runs on one instance kept memory flat and shared
 * no state, and jq-wasm 3 returns jq's exit code and stderr, so errors carry jq's own text.
 * node-jq downloads a binary at install time.
 *
 * How it runs: jq-wasm is synchronous, so a run on a big input would block the event loop for
 * seconds. Each run goes to a small pool of worker threads instead; cancelling a run terminates its
 * worker (that stops even an endless `repeat(1)` at once), and so does a wasm crash (a value nested
 * some thousands of levels deep overflows the wasm stack). Idle workers are released after a while.
 *
 * How data reaches jq: never in the program text. jq's stdin holds `[input, $ARGS]` and the program
 * is prefixed with a fixed binding, `. as [$__octoflow_input, $ARGS] | $ARGS.named as {"a": $a} |
 * $__octoflow_input | <program>`; the var names in it are checked identifiers. With it, every case
 * of jq's man.test and jq.test gave the same result as the bare program, but for `import`s (which
 * fail anyway: there are no modules). Not `--argjson`: arguments live on the wasm stack, and a var
 * of a few MB crashed or hung the instance.
 *
 * The sandbox: `$ENV` and `env` are Emscripten's made-up environment (never the process's, so no
 * secrets), `input_filename` is "/dev/stdin", `import`/`include` find no modules, and messages
 * from `debug` and `stderr` are dropped. Numbers are JavaScript numbers on the way in and out.
 */
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { OctoflowError } from "./errors.js";

export interface JqRunOptions {
  /** Aborting it rejects the run with OctoflowError("CANCELLED") and stops jq at once. */
  signal?: AbortSignal;
  /** Each entry becomes `$name` in the program, like `jq --argjson name value`. */
  vars?: Readonly<Record<string, unknown>>;
}

export interface JqProgram {
  readonly source: string;
  /** Every output of the program for `input`, in order (an empty array when there is none). */
  run(input: unknown, options?: JqRunOptions): Promise<unknown[]>;
}

/** What jq printed and returned for one run. */
interface JqResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

interface JqRequest {
  stdin: string;
  program: string;
  flags: string[];
}

interface Job {
  readonly request: JqRequest;
  readonly resolve: (result: JqResult) => void;
  readonly reject: (error: unknown) => void;
  readonly signal: AbortSignal | undefined;
  onAbort?: () => void;
}

interface PoolWorker {
  readonly thread: Worker;
  job: Job | undefined;
  idleTimer: NodeJS.Timeout | undefined;
}

/** Workers run jq side by side; one core is left to the event loop. */
const POOL_SIZE = Math.min(4, Math.max(1, availableParallelism() - 1));
/** A worker keeps the wasm memory of its biggest run; releasing idle ones gives it back. */
const IDLE_MS = 30_000;
const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const UNBOUND_VAR = /^jq: error: \$([A-Za-z_][A-Za-z0-9_]*) is not defined at /;
const JQ_WASM = createRequire(import.meta.url).resolve("jq-wasm");

// Plain CommonJS so it runs from source under vitest and from dist alike. It posts jq's result,
// or `crash` when the wasm trapped, after which the instance is unusable and the worker is dropped.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const printed = [];
console.error = (...parts) => { printed.push(parts.join(" ")); if (printed.length > 3) printed.shift(); };
const ready = require(workerData.jqWasm).loadJq();
parentPort.on("message", async ({ stdin, program, flags }) => {
  try {
    const jq = await ready;
    parentPort.postMessage({ result: jq.raw(stdin, program, flags) });
  } catch (error) {
    parentPort.postMessage({ crash: [String((error && error.message) || error), ...printed].join("; ") });
  }
});
`;

const workers: PoolWorker[] = [];
const queue: Job[] = [];

function cancelled(signal: AbortSignal | undefined): OctoflowError {
  return new OctoflowError("CANCELLED", "jq run cancelled", { cause: signal?.reason });
}

/** Runs jq in a worker; rejects only for cancellation or a broken worker, never for jq's errors. */
function submit(request: JqRequest, signal?: AbortSignal): Promise<JqResult> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled(signal));
    const job: Job = { request, resolve, reject, signal };
    if (signal) {
      job.onAbort = () => abortJob(job);
      signal.addEventListener("abort", job.onAbort, { once: true });
    }
    queue.push(job);
    dispatch();
  });
}

function dispatch(): void {
  while (queue.length > 0) {
    const worker =
      workers.find((candidate) => !candidate.job) ?? (workers.length < POOL_SIZE ? spawn() : undefined);
    if (!worker) return;
    const job = queue.shift() as Job;
    clearTimeout(worker.idleTimer);
    worker.job = job;
    worker.thread.ref();
    worker.thread.postMessage(job.request);
  }
}

/** Detaches the worker's job and returns it, so that it is settled exactly once. */
function takeJob(worker: PoolWorker): Job | undefined {
  const job = worker.job;
  worker.job = undefined;
  if (job?.onAbort) job.signal?.removeEventListener("abort", job.onAbort);
  return job;
}

function retire(worker: PoolWorker): void {
  const index = workers.indexOf(worker);
  if (index >= 0) workers.splice(index, 1);
  clearTimeout(worker.idleTimer);
  void worker.thread.terminate();
}

function abortJob(job: Job): void {
  const index = queue.indexOf(job);
  if (index >= 0) queue.splice(index, 1);
  const worker = workers.find((candidate) => candidate.job === job);
  if (worker) {
    takeJob(worker);
    retire(worker);
  }
  job.reject(cancelled(job.signal));
  dispatch();
}

function spawn(): PoolWorker {
  const thread = new Worker(WORKER_SOURCE, { eval: true, workerData: { jqWasm: JQ_WASM } });
  const worker: PoolWorker = { thread, job: undefined, idleTimer: undefined };
  thread.on("message", (message: { result: JqResult } | { crash: string }) => {
    const job = takeJob(worker);
    if ("crash" in message) {
      retire(worker);
      job?.reject(
        new OctoflowError("JQ_RUNTIME", `jq crashed while running the program: ${message.crash}`, {
          hint: "this happens with values nested thousands of levels deep or when memory runs out",
        }),
      );
    } else {
      thread.unref();
      worker.idleTimer = setTimeout(() => retire(worker), IDLE_MS).unref();
      job?.resolve(message.result);
    }
    dispatch();
  });
  const fail = (error: unknown): void => {
    retire(worker);
    takeJob(worker)?.reject(new OctoflowError("INTERNAL", "the jq worker thread stopped", { cause: error }));
    dispatch();
  };
  thread.on("error", fail);
  thread.on("exit", (code) => {
    if (workers.includes(worker)) fail(new Error(`exit code ${code}`));
  });
  thread.unref();
  workers.push(worker);
  return worker;
}

/** jq's compile errors, or undefined when the program compiles. Unbound `$vars` count as errors. */
async function compileErrors(source: string): Promise<string | undefined> {
  // With an empty stdin jq compiles the program and stops: there is no input to run it on.
  const result = await submit({ stdin: "", program: source, flags: ["-c"] });
  return result.exitCode === 0 ? undefined : result.stderr || `jq exited with code ${result.exitCode}`;
}

/** True when the only problems are `$name is not defined`: such names come as vars at run time. */
function onlyUnboundVars(stderr: string): boolean {
  const errors = stderr.split("\n").filter((line) => line.startsWith("jq: error"));
  return errors.length > 0 && errors.every((line) => UNBOUND_VAR.test(line));
}

/** The first error of jq's text, on one line, with the count of the others. */
function firstError(stderr: string): string {
  const errors = stderr.split("\n").filter((line) => line.startsWith("jq: error"));
  const first = (errors[0] ?? stderr.split("\n")[0] ?? stderr).replace(/^jq: error: /, "").replace(/:$/, "");
  return errors.length > 1 ? `${first} (and ${errors.length - 1} more)` : first;
}

function syntaxError(stderr: string): OctoflowError {
  const hint = onlyUnboundVars(stderr)
    ? "give each $name the program uses in `vars`, or define it in the program"
    : "fix the jq program at the line and column shown (jq manual: https://jqlang.org/manual/)";
  return new OctoflowError("JQ_SYNTAX", `jq program does not compile: ${stderr}`, {
    hint,
    details: { jq: stderr },
  });
}

function runtimeError(result: JqResult): OctoflowError {
  // jq names its input file; ours is always stdin, so that part only adds noise.
  const text = result.stderr.replace(/jq: error \(at [^)]*\)/g, "jq: error").replace(/^jq: error:? ?/, "");
  const message = text
    ? `jq program failed: ${text}`
    : `jq program stopped with exit code ${result.exitCode}`;
  return new OctoflowError("JQ_RUNTIME", message, {
    hint: "check that the data has the shape the jq program expects",
    details: { jq: result.stderr, exitCode: result.exitCode },
  });
}

/** The fixed prefix that binds the input and vars from stdin; names are checked identifiers. */
function bindingPrefix(names: readonly string[]): string {
  const pattern = names.map((name) => `${JSON.stringify(name)}: $${name}`).join(", ");
  const vars = names.length > 0 ? `$ARGS.named as {${pattern}} | ` : "";
  return `. as [$__octoflow_input, $ARGS] | ${vars}$__octoflow_input | `;
}

function checkVarNames(names: readonly string[]): void {
  for (const name of names) {
    if (!VAR_NAME.test(name) || name === "__loc__" || name.startsWith("__octoflow")) {
      throw new OctoflowError("INPUT_INVALID", `jq var name ${JSON.stringify(name)} is not a jq identifier`, {
        hint: "use letters, digits and underscores, not starting with a digit",
      });
    }
  }
}

function serialize(input: unknown, vars: Readonly<Record<string, unknown>>): string {
  try {
    return JSON.stringify([input === undefined ? null : input, { positional: [], named: vars }]);
  } catch (error) {
    throw new OctoflowError("INPUT_INVALID", `jq input or vars cannot be written as JSON: ${String(error)}`, {
      hint: "pass plain JSON data (no BigInt, no cycles)",
      cause: error,
    });
  }
}

async function run(source: string, input: unknown, options: JqRunOptions = {}): Promise<unknown[]> {
  const { signal, vars = {} } = options;
  if (signal?.aborted) throw cancelled(signal);
  const names = Object.keys(vars);
  checkVarNames(names);
  const stdin = serialize(input, vars);
  const result = await submit({ stdin, program: bindingPrefix(names) + source, flags: ["-c"] }, signal);
  if (result.exitCode === 3) {
    // Exit code 3 is a compile error (or `halt_error(3)`). The prefix shifts jq's columns, so ask
    // again with the program as written and the given vars bound, for jq's exact text.
    const bound = names.flatMap((name) => ["--argjson", name, "null"]);
    const plain = await submit({ stdin: "", program: source, flags: ["-c", ...bound] }, signal);
    if (plain.exitCode !== 0) throw syntaxError(plain.stderr);
  }
  if (result.exitCode !== 0) throw runtimeError(result);
  return result.stdout === "" ? [] : result.stdout.split("\n").map((line) => JSON.parse(line) as unknown);
}

/**
 * Compiles a jq program once, to run it on many inputs. `$names` the program uses without
 * defining are accepted here and must be given as `vars` to `run`.
 *
 * @throws OctoflowError("JQ_SYNTAX") with jq's own message when the program does not compile.
 * @example
 * const names = await compileJq("[.items[].name]");
 * await names.run({ items: [{ name: "a" }, { name: "b" }] }); // → [["a", "b"]]
 */
export async function compileJq(source: string): Promise<JqProgram> {
  const errors = await compileErrors(source);
  if (errors !== undefined && !onlyUnboundVars(errors)) throw syntaxError(errors);
  return Object.freeze({
    source,
    run: (input: unknown, options?: JqRunOptions) => run(source, input, options),
  });
}

/**
 * Checks a jq program without running it: undefined when it compiles, else jq's first error on
 * one line. `$names` the program does not define are fine (they come as vars at run time).
 *
 * @example
 * await checkJq(".a | ."); // → undefined
 * await checkJq(".a |"); // → "syntax error, unexpected end of file at <top-level>, line 1, column 4"
 */
export async function checkJq(source: string): Promise<string | undefined> {
  const errors = await compileErrors(source);
  return errors === undefined || onlyUnboundVars(errors) ? undefined : firstError(errors);
}

/**
 * Runs a jq program on one input and returns all its outputs, in order.
 *
 * @throws OctoflowError "JQ_SYNTAX" (does not compile), "JQ_RUNTIME" (jq stopped with an error),
 * "INPUT_INVALID" (input or vars are not JSON) or "CANCELLED" (the signal aborted).
 * @example
 * await runJq(".[] | select(. > $min)", [1, 5, 9], { vars: { min: 3 } }); // → [5, 9]
 */
export async function runJq(source: string, input: unknown, options?: JqRunOptions): Promise<unknown[]> {
  return run(source, input, options);
}
