import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Served } from "./ui-harness.js";
import {
  TOKEN,
  launchBrowser,
  makeDataPath,
  newPage,
  screenshot,
  serve,
  signIn,
  until,
} from "./ui-harness.js";

/**
 * The run pages in a real browser against a real `octoflow serve`: sign in, launch a flow from
 * its page and watch it live, cancel, a failed step's error, sub-runs, URLs and the back button.
 */

const FLOWS = {
  "flows/hello.yml": `name: hello
description: Greets, waits a little, greets three more, says goodbye.
inputs:
  who: { type: string, default: world }
steps:
  - { name: greet, type: log, log: { message: "hello {{ who }}" } }
  - { name: wait, type: sleep, sleep: { duration: "2500ms" } }
  - { name: fan, type: log, needs: [greet], for_each: [ada, grace, linus], log: { message: "hello {{ item }}" } }
  - { name: bye, type: log, needs: [wait, fan], log: { message: "bye {{ who }}", level: warn } }
`,
  "flows/slow.yml": "name: slow\nsteps:\n  - { name: nap, type: sleep, sleep: { duration: 120 } }\n",
  "flows/failing.yml": `name: failing
steps:
  - { name: prepare, type: noop }
  - name: check
    type: noop
    jq_expression: 'error("the orders file has no header row")'
  - { name: after, type: log, log: { message: "never logged" } }
`,
  "flows/parent.yml": "name: parent\nsteps:\n  - { name: call, type: flow, flow: { path: child.yml } }\n",
  "flows/child.yml":
    'name: child\nsteps:\n  - { name: work, type: log, log: { message: "child working" } }\n',
};

let server: Served;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await serve(makeDataPath(FLOWS));
  browser = await launchBrowser();
  ({ page } = await newPage(browser));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** expect.poll with room for a slow machine. */
const poll = <T>(read: () => T | Promise<T>, timeout = 10_000) => expect.poll(read, { timeout });
const runPage = (p: Page) => p.locator("section.run-page");
const node = (p: Page, step: string) => p.locator(`g.node[data-step="${step}"]`);

async function launch(flow: string): Promise<number> {
  const { status, body } = await server.api<{ id: number }>("/runs", { method: "POST", json: { flow } });
  expect(status).toBe(202);
  return body.id;
}

describe("the web UI, runs", () => {
  it("refuses a wrong token and signs in with the right one, keeping it for the session", async () => {
    await page.goto(`${server.url}/`);
    await page.getByLabel("API token").fill("not-the-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await poll(() => page.getByRole("alert").textContent()).toContain("refused this token");
    await screenshot(page, "sign-in-refused");
    await page.getByLabel("API token").fill(TOKEN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Runs" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/runs");
    expect(await page.evaluate("sessionStorage.getItem('octoflow.token')")).toBe(TOKEN);
    expect(await page.evaluate("localStorage.length")).toBe(0);
    await screenshot(page, "runs-empty");
  });

  it("launches a flow from its page and shows it go RUNNING → COMPLETED in the graph and the list", async () => {
    const { page: list } = await newPage(browser);
    await signIn(list, server.url, "/runs");
    await list.evaluate("window.__sameDocument = true");

    await page.getByRole("link", { name: "Flows" }).click();
    await page.locator('tr[data-flow="hello"]').waitFor();
    await screenshot(page, "flows");
    await page.locator('tr[data-flow="hello"]').getByRole("link", { name: "Launch…" }).click();
    await page.getByLabel("who").fill("octoflow");
    await screenshot(page, "flow-launch");
    await page.getByRole("button", { name: "Launch run" }).click();
    await page.waitForURL(/\/runs\/\d+$/);
    const id = Number(new URL(page.url()).pathname.split("/").pop());

    await poll(() => node(page, "wait").getAttribute("data-state")).toBe("RUNNING");
    expect(await runPage(page).getAttribute("data-state")).toBe("RUNNING");
    await poll(() => list.locator(`tr[data-run="${id}"]`).getAttribute("data-state")).toBe("RUNNING");
    await screenshot(page, "run-running");
    await screenshot(list, "runs-live");

    await poll(() => runPage(page).getAttribute("data-state"), 15_000).toBe("COMPLETED");
    for (const step of ["greet", "wait", "fan", "bye"])
      expect(await node(page, step).getAttribute("data-state")).toBe("COMPLETED");
    await poll(() => list.locator(`tr[data-run="${id}"]`).getAttribute("data-state")).toBe("COMPLETED");
    expect(await list.evaluate("window.__sameDocument")).toBe(true);
    await poll(() => page.locator(".log-row").count()).toBe(5);
    expect(await page.locator(".log-box").textContent()).toContain("bye octoflow");
    await screenshot(page, "run-completed");

    await page.getByRole("tab", { name: "Timeline" }).click();
    await page.getByRole("button", { name: "fan", exact: true }).click();
    await poll(() => page.locator(".tl-sub").count()).toBe(3);
    await screenshot(page, "run-timeline");
    await list.close();
  });

  it("cancels a long run from its page", async () => {
    const id = await launch("slow");
    await page.goto(`${server.url}/runs/${id}`);
    await poll(() => node(page, "nap").getAttribute("data-state")).toBe("RUNNING");
    await page.getByRole("button", { name: "Cancel run" }).click();
    await poll(() => runPage(page).getAttribute("data-state")).toBe("CANCELLED");
    await poll(() => node(page, "nap").getAttribute("data-state")).toBe("CANCELLED");
    expect((await server.api<{ state: string }>(`/runs/${id}`)).body.state).toBe("CANCELLED");
    await screenshot(page, "run-cancelled");
  });

  it("shows a failed step's error on the step", async () => {
    const id = await launch("failing");
    await page.goto(`${server.url}/runs/${id}`);
    await poll(() => runPage(page).getAttribute("data-state")).toBe("FAILED");
    await poll(() => node(page, "check").getAttribute("data-state")).toBe("FAILED");
    expect(await node(page, "after").getAttribute("data-state")).toBe("SKIPPED");
    expect(await page.getByRole("region", { name: "Errors" }).textContent()).toContain(
      "the orders file has no header row",
    );
    await node(page, "check").click();
    await poll(() => new URL(page.url()).searchParams.get("step")).toBe("check");
    const details = page.getByRole("complementary", { name: "Step check" });
    expect(await details.getByRole("alert").textContent()).toContain("the orders file has no header row");
    await page.getByRole("button", { name: "Show its log lines" }).click();
    await poll(() => page.locator(".log-row.level-error").count()).toBe(1);
    await screenshot(page, "run-failed");
  });

  it("works from the keyboard: skip link, steps of the graph, tabs", async () => {
    const id = (await server.api<{ runs: { id: number }[] }>("/runs?flow=failing")).body.runs[0]?.id;
    await page.goto(`${server.url}/runs/${id}`);
    await node(page, "check").waitFor();
    await page.keyboard.press("Tab");
    expect(await page.evaluate("document.activeElement.textContent")).toBe("Skip to content");
    await node(page, "prepare").focus();
    await page.keyboard.press("Tab");
    expect(await page.evaluate("document.activeElement.dataset.step")).toBe("check");
    await page.keyboard.press("Enter");
    await poll(() => new URL(page.url()).searchParams.get("step")).toBe("check");
    await page.getByRole("tab", { name: /^Log/ }).focus();
    await page.keyboard.press("ArrowRight");
    await poll(() => page.getByRole("tab", { name: "Timeline" }).getAttribute("aria-selected")).toBe("true");
    expect(await page.evaluate("document.activeElement.id")).toBe("tab-timeline");
    await screenshot(page, "run-keyboard");
  });

  it("links a sub-run to its own page, and back returns to the parent", async () => {
    const id = await launch("parent");
    await page.goto(`${server.url}/runs/${id}`);
    await poll(() => runPage(page).getAttribute("data-state")).toBe("COMPLETED");
    const sub = page.getByRole("link", { name: /run #\d+ · child/ });
    await sub.waitFor();
    await sub.click();
    await page.waitForURL(/\/runs\/\d+$/);
    const childId = Number(new URL(page.url()).pathname.split("/").pop());
    expect(childId).not.toBe(id);
    await page.getByRole("link", { name: `run #${id}` }).waitFor();
    await poll(() => runPage(page).getAttribute("data-state")).toBe("COMPLETED");
    await screenshot(page, "run-sub-run");
    await page.goBack();
    await poll(() => new URL(page.url()).pathname).toBe(`/runs/${id}`);
    await poll(() => runPage(page).getAttribute("data-run")).toBe(String(id));
    await page.goForward();
    await poll(() => runPage(page).getAttribute("data-run")).toBe(String(childId));
  });

  it("opens a shared run URL in a new session: sign in, then that page and tab", async () => {
    const id = (await server.api<{ runs: { id: number; flow: string }[] }>("/runs?flow=hello")).body.runs[0]
      ?.id;
    const { context, page: fresh } = await newPage(browser);
    await fresh.goto(`${server.url}/runs/${id}?tab=timeline`);
    await fresh.getByLabel("API token").fill(TOKEN);
    await fresh.getByRole("button", { name: "Sign in" }).click();
    await poll(() => runPage(fresh).getAttribute("data-run")).toBe(String(id));
    expect(await fresh.getByRole("tab", { name: "Timeline" }).getAttribute("aria-selected")).toBe("true");
    await context.close();
  });

  it("keeps every page in the history: back and forward through the navigation", async () => {
    await page.goto(`${server.url}/runs`);
    await page.getByRole("link", { name: "Flows", exact: true }).click();
    await page.getByRole("link", { name: "slow" }).click();
    await page.waitForURL(/\/flows\/slow\.yml$/);
    await page.getByRole("tab", { name: "Definition" }).click();
    await poll(() => new URL(page.url()).search).toBe("?tab=definition");
    await page.goBack();
    await poll(() => new URL(page.url()).search).toBe("");
    await page.getByRole("tab", { name: "Graph" }).waitFor();
    await page.goBack();
    await poll(() => new URL(page.url()).pathname).toBe("/flows");
    await page.getByRole("heading", { name: "Flows" }).waitFor();
    await page.goBack();
    await poll(() => new URL(page.url()).pathname).toBe("/runs");
    await page.getByRole("heading", { name: "Runs" }).waitFor();
    await page.goForward();
    await page.getByRole("heading", { name: "Flows" }).waitFor();
    const before = await until(async () => (await server.api<{ runs: unknown[] }>("/runs")).body.runs.length);
    expect(before).toBeGreaterThan(0);
  });
});
