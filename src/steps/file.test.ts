import { noConnections } from "../services/connections.js";
import { mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StepContext, StepProgress } from "../plugins/step-type.js";
import { emptySecrets } from "../services/secrets.js";
import type { Harness } from "../test-support/harness.js";
import { createHarness } from "../test-support/harness.js";
import { builtinPlugin } from "./builtin-plugin.js";
import { fileStep } from "./file.js";
import { restStep } from "./rest.js";

// Registered here until the built-in plugin carries them; then the built-in ones are used.
const ours = [fileStep, restStep].filter(
  (type) => !builtinPlugin.stepTypes?.some((known) => known.name === type.name),
);

let h: Harness;
beforeEach(() => {
  h = createHarness({ plugins: [{ name: "t", stepTypes: ours }] });
});
afterEach(async () => {
  await h.close();
});

async function run(yaml: string, args: Record<string, unknown> = {}) {
  const flow = await h.flow(yaml);
  const final = await (await h.runs.launch({ flow, args, selection: {} })).done;
  const steps = new Map((await h.store.getRunSteps(final.id)).map((s) => [s.name, s]));
  return { final, steps };
}

/** Writes `data` as `path` and reads it back, in one flow. */
async function roundTrip(path: string, data: unknown, extra = "") {
  const { final, steps } = await run(
    `
name: trip
steps:
  - { name: w, type: file, file: { path: "${path}", mode: write, data_key: data ${extra} } }
  - { name: r, type: file, file: { path: "${path}" ${extra} } }
`,
    { data },
  );
  expect(final.error).toBeNull();
  const written = steps.get("w")?.output as { path: string };
  return { written, read: steps.get("r")?.output, text: readFileSync(join(h.dir, written.path), "utf8") };
}

/** A step context on a real folder, for calls that a flow cannot make (BigInt data, cancelling mid-read). */
function direct(signal = new AbortController().signal) {
  const progress: StepProgress[] = [];
  const log = {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
  };
  const context: StepContext = {
    run: { id: 1, flow: "t" },
    step: { name: "s", attempt: 1 },
    data: {},
    log,
    progress: (p) => progress.push(p),
    signal,
    flowDirectory: undefined,
    paths: { data: h.dir, flows: h.dir, templates: h.dir },
    secrets: emptySecrets,
    subflows: { run: () => Promise.reject(new Error("no sub-flows here")) },
    connections: noConnections,
  };
  const call = (options: Record<string, unknown>, input?: unknown) =>
    Promise.resolve(fileStep.run({ options: fileStep.options.parse(options), input, context }));
  return { call, progress };
}

const nested = [
  { id: 1, name: "Ann", tags: ["a", "b"], meta: { ok: true, score: 1.5 } },
  { id: 2, name: 'Bo "quoted", comma', tags: [], meta: null },
];

describe("file step: formats", () => {
  it("round-trips JSON, YAML and NDJSON, to a templated path", async () => {
    const json = await roundTrip("out/{{ run.id }}.json", nested);
    expect(json.read).toEqual(nested);
    expect(json.written).toMatchObject({ path: expect.stringMatching(/^out\/\d+\.json$/), rows: 2 });
    expect(JSON.parse(json.text)).toEqual(nested);
    expect((await roundTrip("a/b/c.yaml", { deep: nested })).read).toEqual({ deep: nested });
    const ndjson = await roundTrip("lines.jsonl", nested);
    expect(ndjson.read).toEqual(nested);
    expect(ndjson.text.trimEnd().split("\n")).toHaveLength(2);
  });

  it("round-trips CSV with a header (objects of strings) and without (lists), any delimiter", async () => {
    const rows = [
      { id: "1", name: 'Ann, "the" first', note: "" },
      { id: "2", name: "line\nbreak", note: "x" },
    ];
    const csv = await roundTrip("t.csv", rows);
    expect(csv.read).toEqual(rows);
    expect(csv.written).toMatchObject({ rows: 2 });
    expect(csv.text.split("\n")[0]).toBe("id,name,note");
    const lists = await roundTrip(
      "t.txt",
      [
        ["a", "b"],
        ["c", "d"],
      ],
      ', type: csv, header: false, delimiter: ";"',
    );
    expect(lists.text).toBe("a;b\nc;d\n");
    expect(lists.read).toEqual([
      ["a", "b"],
      ["c", "d"],
    ]);
    expect((await roundTrip("t.tsv", [{ a: "1", b: "2" }])).text).toBe("a\tb\n1\t2\n");
  });

  it("writes typed CSV cells: numbers, booleans, null and nested values as JSON", async () => {
    const { text } = await roundTrip("typed.csv", [{ n: 1, ok: false, none: null, obj: { x: 1 } }]);
    expect(text).toBe('n,ok,none,obj\n1,false,,"{""x"":1}"\n');
  });

  it("round-trips text, and picks the type from the extension", async () => {
    expect((await roundTrip("note.md", "hello\nworld")).read).toBe("hello\nworld");
    const list = await roundTrip("list.txt", ["a", "b"]);
    expect(list.text).toBe("a\nb\n");
  });
});

describe("file step: append", () => {
  const appendFlow = (path: string, extra = "") => `
name: app
steps:
  - { name: a, type: file, file: { path: "${path}", mode: append, data_key: first ${extra} } }
  - { name: b, type: file, file: { path: "${path}", mode: append, data_key: second ${extra} } }
  - { name: r, type: file, file: { path: "${path}" ${extra} } }
`;

  it("adds NDJSON and text lines", async () => {
    const { steps } = await run(appendFlow("log.ndjson"), { first: [{ n: 1 }, { n: 2 }], second: { n: 3 } });
    expect(steps.get("r")?.output).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(steps.get("b")?.output).toMatchObject({ path: "log.ndjson", rows: 1 });
    writeFileSync(join(h.dir, "notes.txt"), "no line end");
    await run(appendFlow("notes.txt"), { first: "one", second: "two\n" });
    expect(readFileSync(join(h.dir, "notes.txt"), "utf8")).toBe("no line end\none\ntwo\n");
  });

  it("adds CSV rows under the existing header, in its column order, without repeating it", async () => {
    const { final } = await run(appendFlow("t.csv"), { first: [{ a: 1, b: 2 }], second: [{ b: 4, a: 3 }] });
    expect(final.state).toBe("COMPLETED");
    expect(readFileSync(join(h.dir, "t.csv"), "utf8")).toBe("a,b\n1,2\n3,4\n");
    const { steps } = await run(appendFlow("t.csv"), { first: [{ a: 5 }], second: [{ c: 9 }] });
    expect(steps.get("b")?.error).toContain("the rows have columns the file's header lacks: c");
    expect(readFileSync(join(h.dir, "t.csv"), "utf8")).toBe("a,b\n1,2\n3,4\n5,\n");
  });

  it("adds items to the list a JSON or YAML file holds, and refuses a file that holds no list", async () => {
    const { steps } = await run(appendFlow("l.json"), { first: [1, 2], second: { three: 3 } });
    expect(steps.get("r")?.output).toEqual([1, 2, { three: 3 }]);
    const yaml = await run(appendFlow("l.yml"), { first: "a", second: ["b", "c"] });
    expect(yaml.steps.get("r")?.output).toEqual(["a", "b", "c"]);
    writeFileSync(join(h.dir, "o.json"), '{"not": "a list"}');
    const refused = await run(appendFlow("o.json"), { first: 1, second: 2 });
    expect(refused.steps.get("a")?.error).toContain(
      "cannot append to o.json: it holds an object, not a list",
    );
    expect(readFileSync(join(h.dir, "o.json"), "utf8")).toBe('{"not": "a list"}');
  });
});

describe("file step: atomic writes", () => {
  it("leaves the old file whole and no temporary file when the value cannot be written", async () => {
    writeFileSync(join(h.dir, "keep.json"), '"old"\n');
    writeFileSync(join(h.dir, "keep.ndjson"), '"old"\n');
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    const { call } = direct();
    await expect(call({ path: "keep.json", mode: "write" }, { big: 10n })).rejects.toThrow(
      /cannot write keep.json as json: .*BigInt/,
    );
    await expect(call({ path: "keep.json", mode: "write" }, [1, circular])).rejects.toThrow(/circular/);
    // The third line fails after two were written to the temporary file.
    await expect(call({ path: "keep.ndjson", mode: "write" }, [1, 2, 3n])).rejects.toThrow(/BigInt/);
    await expect(call({ path: "keep.ndjson", mode: "append" }, [1, 2, 3n])).rejects.toThrow(/BigInt/);
    expect(readFileSync(join(h.dir, "keep.json"), "utf8")).toBe('"old"\n');
    expect(readFileSync(join(h.dir, "keep.ndjson"), "utf8")).toBe('"old"\n');
    expect(readdirSync(h.dir).filter((name) => name.includes(".tmp"))).toEqual([]);
  });

  it("needs data to write", async () => {
    const { steps } = await run(
      `name: w\nsteps:\n  - { name: w, type: file, file: { path: x.json, mode: write } }\n`,
    );
    expect(steps.get("w")?.error).toContain("needs the data to write, and the step has no data_key");
  });
});

describe("file step: paths stay inside DATA_PATH", () => {
  const readFlow = `name: esc\nsteps:\n  - { name: r, type: file, file: { path: "{{ p }}" } }\n  - { name: w, type: file, file: { path: "{{ p }}", mode: write, data_key: p }, needs: [] }\n`;

  it.each([
    ["../x", "leaves DATA_PATH"],
    ["a/../../x", "leaves DATA_PATH"],
    ["/etc/passwd", "is absolute"],
    ["a\0b", "contains a NUL byte"],
    ["link/escaped.txt", "through a symbolic link"],
  ])("refuses %j at run time", async (path, message) => {
    const outside = await mkdtemp(join(tmpdir(), "octoflow-outside-"));
    try {
      symlinkSync(outside, join(h.dir, "link"));
      const { steps } = await run(readFlow, { p: path });
      for (const name of ["r", "w"]) {
        expect(steps.get(name)?.state).toBe("FAILED");
        expect(steps.get(name)?.error).toContain(message);
      }
      expect(readdirSync(outside)).toEqual([]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it("refuses a path without templates when the flow is loaded", async () => {
    await expect(
      h.flow(`name: e\nsteps:\n  - { name: r, type: file, file: { path: ../secrets.yml } }\n`),
    ).rejects.toThrow(/leaves DATA_PATH/);
  });
});

describe("file step: reading errors", () => {
  const read = async (path: string, text: string) => {
    mkdirSync(join(h.dir, "in"), { recursive: true });
    writeFileSync(join(h.dir, "in", path), text);
    const { steps } = await run(
      `name: r\nsteps:\n  - { name: r, type: file, file: { path: "in/${path}" } }\n`,
    );
    return steps.get("r")?.error ?? "";
  };

  it("names the file and the line of malformed JSON, NDJSON, YAML and CSV", async () => {
    expect(await read("bad.json", '{\n  "a": 1,\n  "b": x\n}')).toContain(
      "in/bad.json:3:8: not valid JSON (line 3): unexpected 'x'",
    );
    expect(await read("trail.json", "[\n  1,\n]")).toContain("in/trail.json:3:1: not valid JSON (line 3)");
    expect(await read("bad.ndjson", '{"a":1}\n\n{"a":\n')).toContain(
      "in/bad.ndjson:3:6: not valid NDJSON (line 3)",
    );
    expect(await read("bad.yaml", "a: 1\nb: [1, 2\nc: 3\n")).toMatch(/in\/bad\.yaml:\d+:\d+: not valid YAML/);
    expect(await read("bad.csv", "a,b\n1,2\n3,4,5\n")).toContain("in/bad.csv:3: not valid CSV (line 3)");
    expect(await read("quote.csv", 'a,b\n1,"open\n')).toMatch(
      /in\/quote\.csv:\d+: not valid CSV .*Quote Not Closed/,
    );
  });

  it("says when the file is missing or empty", async () => {
    const { steps } = await run(`name: r\nsteps:\n  - { name: r, type: file, file: { path: nope.json } }\n`);
    expect(steps.get("r")?.error).toContain("there is no file nope.json");
    expect(await read("empty.json", "")).toContain("the file is empty");
  });
});

describe("file step: large files", () => {
  it("streams a large NDJSON file with progress in bytes, and stops when cancelled", async () => {
    const line = `${JSON.stringify({ text: "x".repeat(200) })}\n`;
    writeFileSync(join(h.dir, "big.ndjson"), line.repeat(40_000));
    const { call, progress } = direct();
    const rows = (await call({ path: "big.ndjson" })) as unknown[];
    expect(rows).toHaveLength(40_000);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toMatchObject({ unit: "bytes" });
    const last = progress.at(-1) as { done: number; total: number };
    expect(last.done).toBe(last.total);

    const controller = new AbortController();
    const cancelled = direct(controller.signal).call({ path: "big.ndjson" });
    controller.abort(new Error("stop"));
    await expect(cancelled).rejects.toThrow("stop");
  });
});
