/**
 * Runs every example of the jq manual (jq's tests/man.test, kept in shared/ beside the repository)
 * through octoflow's jq engine and compares the outputs as parsed JSON, as jq's own harness does.
 * The input goes in as octoflow passes data — a JavaScript value — so it is `JSON.parse`d first.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { compileJq } from "../../src/model/jq.js";

interface ManCase {
  /** 1-based line of the program in man.test. */
  line: number;
  program: string;
  input: string;
  expected: string[];
}

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const MAN_TEST = path.resolve(repoRoot, "..", "shared", "conformance", "jq", "man.test");

/** The number of cases in man.test at jq commit 579e6f76 (see shared/conformance/jq/README.md). */
const CASES_IN_FILE = 231;
/** Passing cases measured with jq-wasm 3.0.0-jq-1.8.2; a regression below it fails. */
const PASS_FLOOR = 226;

const SANDBOX_ENV =
  "jq sees Emscripten's made-up environment, never the process's (so no secret reaches a program); jq's harness sets PAGER=less";
const JS_NUMBERS =
  "the input is a JavaScript value: JSON.parse rounds the big or trailing-zero literal before jq (built with decNumber) sees it";

/** Cases that fail for a reason we accept, by program text. Exactly these must fail. */
const KNOWN_FAILURES: Readonly<Record<string, string>> = {
  "$ENV.PAGER": SANDBOX_ENV,
  "env.PAGER": SANDBOX_ENV,
  '[., tojson] == if have_decnum then [12345678909876543212345,"12345678909876543212345"] else [12345678909876543000000,"12345678909876543000000"] end':
    JS_NUMBERS,
  'map([., . == 1]) | tojson == if have_decnum then "[[1,true],[1.000,true],[1.0,true],[1.00,true]]" else "[[1,true],[1,true],[1,true],[1,true]]" end':
    JS_NUMBERS,
  ". as $big | [$big, $big + 1] | map(. > 10000000000000000000000000000000) | . == if have_decnum then [true, false] else [false, false] end":
    JS_NUMBERS,
};

/** man.test: a program line, an input line, the expected outputs, then a blank line. */
function parseManTest(text: string): ManCase[] {
  const cases: ManCase[] = [];
  let current: { line: number; lines: string[] } | undefined;
  const close = (): void => {
    if (!current) return;
    const [program = "", input = "", ...expected] = current.lines;
    cases.push({ line: current.line, program, input, expected });
    current = undefined;
  };
  text.split("\n").forEach((line, index) => {
    if (line.startsWith("#")) return;
    if (line.trim() === "") return close();
    current ??= { line: index + 1, lines: [] };
    current.lines.push(line);
  });
  close();
  return cases;
}

async function passes(testCase: ManCase): Promise<{ ok: boolean; got: string }> {
  try {
    const program = await compileJq(testCase.program);
    const outputs = await program.run(JSON.parse(testCase.input));
    const expected = testCase.expected.map((line) => JSON.parse(line) as unknown);
    return { ok: isDeepStrictEqual(outputs, expected), got: JSON.stringify(outputs) };
  } catch (error) {
    return { ok: false, got: (error as Error).message.split("\n")[0] ?? "" };
  }
}

describe("jq manual examples", () => {
  const cases = parseManTest(readFileSync(MAN_TEST, "utf8"));

  it("reads every case of man.test", () => {
    expect(cases).toHaveLength(CASES_IN_FILE);
    for (const testCase of cases)
      expect(() => JSON.parse(testCase.input), `line ${testCase.line}`).not.toThrow();
  });

  it("passes every case but the known failures", { timeout: 120_000 }, async () => {
    const results = await Promise.all(
      cases.map(async (testCase) => ({ testCase, ...(await passes(testCase)) })),
    );
    const failing = results.filter((result) => !result.ok);
    const passCount = results.length - failing.length;
    console.log(`jq manual: ${passCount}/${results.length} cases pass`);
    for (const { testCase, got } of failing) {
      const reason = KNOWN_FAILURES[testCase.program] ?? "UNEXPECTED";
      console.log(`  line ${testCase.line}: ${testCase.program}\n    got ${got}\n    (${reason})`);
    }
    expect(passCount).toBeGreaterThanOrEqual(PASS_FLOOR);
    expect(failing.map((result) => result.testCase.program).sort()).toEqual(
      Object.keys(KNOWN_FAILURES).sort(),
    );
  });
});
