import { describe, expect, it } from "vitest";
import { OctoflowError } from "./errors.js";
import { checkJq, compileJq, runJq } from "./jq.js";

async function failure(promise: Promise<unknown>): Promise<OctoflowError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(OctoflowError);
  return error as OctoflowError;
}

/** Text that would end or escape a program if it were ever spliced into one. */
const TRICKY = ['"); halt', "\\", '\\"', "$__loc__", "#", ")] | halt_error(1) #", "\n", "\u0000", "é🙂"].join(
  " ",
);

describe("compileJq and checkJq", () => {
  it("rejects a syntax error with jq's own message", async () => {
    const error = await failure(compileJq(".a |"));
    expect(error.code).toBe("JQ_SYNTAX");
    expect(error.message).toContain("syntax error, unexpected end of file at <top-level>, line 1, column 4");
    expect(error.hint).toMatch(/\w+/);
    expect(await checkJq(".a |")).toBe(
      "syntax error, unexpected end of file at <top-level>, line 1, column 4",
    );
  });

  it("gives one line for several errors and none for a good program", async () => {
    const problem = await checkJq("if . then 1");
    expect(problem).toMatch(/^syntax error, .* \(and 1 more\)$/);
    expect(await checkJq("nosuchfunction(1)")).toBe(
      "nosuchfunction/1 is not defined at <top-level>, line 1, column 1",
    );
    expect(await checkJq(".a | map(. + 1)")).toBeUndefined();
  });

  it("accepts $vars left for run time, and says which one is missing then", async () => {
    expect(await checkJq("$limit + 1")).toBeUndefined();
    const program = await compileJq("$limit + 1");
    expect(await program.run(null, { vars: { limit: 2 } })).toEqual([3]);
    const error = await failure(program.run(null));
    expect(error.code).toBe("JQ_SYNTAX");
    expect(error.message).toContain("$limit is not defined at <top-level>, line 1, column 1");
    expect(error.hint).toContain("vars");
  });

  it("runs a compiled program many times without state carried over", async () => {
    const program = await compileJq("[., $__loc__.line, ($ARGS.named | keys)]");
    expect(program.source).toBe("[., $__loc__.line, ($ARGS.named | keys)]");
    expect(await program.run(1, { vars: { a: 1 } })).toEqual([[1, 1, ["a"]]]);
    expect(await program.run(2)).toEqual([[2, 1, []]]);
  });
});

describe("runJq", () => {
  it("returns every output in order, and none for empty", async () => {
    expect(await runJq(".[]", [1, "a", null, { b: [2] }, [3]])).toEqual([1, "a", null, { b: [2] }, [3]]);
    expect(await runJq("[1, 2]", null)).toEqual([[1, 2]]);
    expect(await runJq("empty", 1)).toEqual([]);
    expect(await runJq(".", undefined)).toEqual([null]);
  });

  it("turns a jq error into JQ_RUNTIME with jq's text", async () => {
    const index = await failure(runJq(".a", 1));
    expect(index.code).toBe("JQ_RUNTIME");
    expect(index.message).toBe('jq program failed: Cannot index number with string ("a")');
    const raised = await failure(runJq('1, error("boom")', null));
    expect(raised.code).toBe("JQ_RUNTIME");
    expect(raised.message).toBe("jq program failed: boom");
    const halted = await failure(runJq('"" | halt_error(3)', null));
    expect(halted.code).toBe("JQ_RUNTIME");
    expect(halted.message).toBe("jq program stopped with exit code 3");
  });

  it("binds vars as $names, like --argjson", async () => {
    const vars = { min: 3, user: { name: "ann" }, list: [1, 2], nothing: null };
    expect(await runJq("[.[] | select(. > $min)], $user.name, $list, $nothing", [1, 5, 9], { vars })).toEqual(
      [[5, 9], "ann", [1, 2], null],
    );
    expect(await runJq("$ARGS.named.min", null, { vars })).toEqual([3]);
  });

  it("treats user data as data, in the input and in vars", async () => {
    const data = { text: TRICKY, [TRICKY]: TRICKY };
    expect(await runJq(".", data)).toEqual([data]);
    expect(await runJq("$x", null, { vars: { x: TRICKY } })).toEqual([TRICKY]);
    expect(await runJq(".", '{"a": 1}')).toEqual(['{"a": 1}']);
    expect(await runJq("$x | length", null, { vars: { x: "y".repeat(4_000_000) } })).toEqual([4_000_000]);
  });

  it("refuses var names that are not identifiers and input that is not JSON", async () => {
    expect((await failure(runJq("1", null, { vars: { "a) | halt": 1 } }))).code).toBe("INPUT_INVALID");
    expect((await failure(runJq("1", null, { vars: { __loc__: 1 } }))).code).toBe("INPUT_INVALID");
    expect((await failure(runJq(".", { n: 1n }))).code).toBe("INPUT_INVALID");
  });

  it("runs many programs at once, each with its own input", async () => {
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => runJq(". * 2", i)));
    expect(results).toEqual(Array.from({ length: 30 }, (_, i) => [i * 2]));
  });

  it("keeps the event loop free while jq works on a big input", async () => {
    const rows = Array.from({ length: 40_000 }, (_, id) => ({ id, name: `row ${id}`, tags: ["a", "b"] }));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const outputs = await runJq("[.[] | select(.id % 2 == 0) | .name] | length", rows);
    clearInterval(timer);
    expect(outputs).toEqual([20_000]);
    // Had jq run on this thread, no timer could have fired before the run ended.
    expect(ticks).toBeGreaterThanOrEqual(3);
  });
});

describe("cancellation and crashes", () => {
  it("rejects at once when the signal is already aborted", async () => {
    const error = await failure(runJq(".", 1, { signal: AbortSignal.abort() }));
    expect(error.code).toBe("CANCELLED");
  });

  it("stops an endless program when the signal aborts, then runs the next", async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error("timeout")), 200);
    const error = await failure(runJq("last(repeat(1))", null, { signal: controller.signal }));
    expect(error.code).toBe("CANCELLED");
    expect((error.cause as Error).message).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await runJq(". + 1", 1)).toEqual([2]);
  });

  it("reports a wasm crash as JQ_RUNTIME and recovers", async () => {
    const error = await failure(runJq("reduce range(10000) as $_ ([]; [.]) | tojson | fromjson", null));
    expect(error.code).toBe("JQ_RUNTIME");
    expect(error.message).toMatch(/^jq crashed/);
    expect(await runJq(".a", { a: "still fine" })).toEqual(["still fine"]);
  });
});
