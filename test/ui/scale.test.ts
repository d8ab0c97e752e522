import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Served } from "./ui-harness.js";
import { launchBrowser, makeDataPath, newPage, screenshot, serve, signIn, until } from "./ui-harness.js";

/**
 * Large runs stay usable: a 500-step graph and a 100,000-line log, in a real browser. The
 * timings are printed, not asserted (two shared cores make tight numbers meaningless); the
 * limits below only catch a page that hangs.
 */

const LAYERS = 50;
const WIDTH = 10;
const LOG_LINES = 100_000;

/** 50 layers of 10 noop steps, each needing two steps of the layer before it: 500 steps, 980 edges. */
function bigFlow(): string {
  const name = (layer: number, i: number) => `s${String(layer).padStart(2, "0")}_${i}`;
  const lines = ["name: big", "concurrency: 16", "steps:"];
  for (let layer = 0; layer < LAYERS; layer++) {
    for (let i = 0; i < WIDTH; i++) {
      const needs = layer === 0 ? [] : [name(layer - 1, i), name(layer - 1, (i + 1) % WIDTH)];
      lines.push(`  - { name: ${name(layer, i)}, type: noop, needs: [${needs.join(", ")}] }`);
    }
  }
  return `${lines.join("\n")}\n`;
}

const FILES = {
  "flows/big.yml": bigFlow(),
  "flows/biglog.yml": `name: biglog
steps:
  - name: spam
    type: task
    task: { module: ./spam.js, args: { lines: ${LOG_LINES} } }
`,
  "flows/spam.js": `export default function spam({ args, context }) {
  for (let i = 0; i < args.lines; i++) {
    const level = i % 1000 === 999 ? "error" : i % 50 === 0 ? "warn" : "info";
    context.log[level](\`line \${i}: processed record \${i * 7} of batch \${Math.floor(i / 1000)}\`);
  }
  return { lines: args.lines };
}
`,
};

let server: Served;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await serve(makeDataPath(FILES));
  browser = await launchBrowser();
  ({ page } = await newPage(browser));
  await signIn(page, server.url);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function timed<T>(what: string, action: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await action();
  console.log(`[ui timing] ${what}: ${Math.round(performance.now() - started)} ms`);
  return result;
}

/** Runs `script` in the page and waits two frames, so what it changed has been rendered. */
function inPage<T>(script: string): Promise<T> {
  return page.evaluate(
    `(async () => { ${script}; await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))); })()`,
  ) as Promise<T>;
}

async function runToEnd(flow: string, ms: number): Promise<number> {
  const { body } = await server.api<{ id: number }>("/runs", { method: "POST", json: { flow } });
  await until(async () => {
    const run = await server.api<{ state: string }>(`/runs/${body.id}`);
    return run.body.state === "COMPLETED";
  }, ms);
  return body.id;
}

describe("the web UI with large runs", () => {
  it("draws a 500-step flow graph and keeps zoom and selection quick", async () => {
    await timed("500-step flow page, open to all nodes drawn", async () => {
      await page.goto(`${server.url}/flows/big.yml`);
      await page.locator('svg[data-nodes="500"] g.node').nth(499).waitFor({ timeout: 30_000 });
    });
    console.log(
      `[ui timing] 500-step layout (dagre): ${await page.locator("[data-layout-ms]").getAttribute("data-layout-ms")} ms`,
    );
    await screenshot(page, "graph-500-flow-start");
    await timed("zoom in, zoom out, fit", async () => {
      await page.getByRole("button", { name: "Zoom in" }).click();
      await page.getByRole("button", { name: "Zoom out" }).click();
      await page.getByRole("button", { name: "Fit" }).click();
    });
    await screenshot(page, "graph-500-flow");

    const id = await runToEnd("big", 60_000);
    await timed("500-step run page, open to every node COMPLETED", async () => {
      await page.goto(`${server.url}/runs/${id}`);
      await expect
        .poll(() => page.locator('g.node[data-state="COMPLETED"]').count(), {
          timeout: 30_000,
          interval: 100,
        })
        .toBe(500);
    });
    await page.getByRole("button", { name: "Fit" }).click();
    await timed("select a step of 500 (panel shows it)", async () => {
      await page.locator('g.node[data-step="s25_5"]').click();
      await page.getByRole("complementary", { name: "Step s25_5" }).waitFor();
    });
    await page.getByRole("button", { name: "Zoom in" }).click();
    await page.getByRole("button", { name: "Zoom in" }).click();
    await screenshot(page, "graph-500-run");
  }, 120_000);

  it("shows a 100,000-line log, scrolls it, filters and searches it", async () => {
    const id = await timed(`run writing ${LOG_LINES} log lines, to COMPLETED`, () =>
      runToEnd("biglog", 120_000),
    );
    await timed(`run page, open to ${LOG_LINES} lines loaded`, async () => {
      await page.goto(`${server.url}/runs/${id}`);
      await page.locator(`.log-box[data-lines="${LOG_LINES}"]`).waitFor({ timeout: 60_000 });
    });
    const rendered = await page.locator(".log-row").count();
    console.log(`[ui timing] rows in the page for ${LOG_LINES} lines: ${rendered}`);
    expect(rendered).toBeLessThan(200);

    await timed("scroll to the middle and draw", () =>
      inPage("const box = document.querySelector('.log-box'); box.scrollTop = box.scrollHeight / 2"),
    );
    const middle = Number(await page.locator(".log-row").nth(25).getAttribute("data-id"));
    expect(middle).toBeGreaterThan(LOG_LINES * 0.4);
    expect(middle).toBeLessThan(LOG_LINES * 0.6);
    await timed("scroll to the top and draw", () =>
      inPage("document.querySelector('.log-box').scrollTop = 0"),
    );
    expect(await page.locator(".log-row").first().textContent()).toContain("line 0:");
    await screenshot(page, "log-100k");

    await timed("filter to errors", async () => {
      await page.getByLabel("Level").selectOption("error");
      await page.locator('.log-box[data-lines="100"]').waitFor();
    });
    await page.getByLabel("Level").selectOption("debug");
    await timed("search one line of 100,000", async () => {
      await page.getByLabel("Search").fill("line 99998:");
      await page.locator('.log-box[data-lines="1"]').waitFor();
    });
    expect(await page.locator(".log-row mark").textContent()).toBe("line 99998:");
    await screenshot(page, "log-100k-search");
  }, 240_000);
});
