import { join } from "node:path";
import Database from "better-sqlite3";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Served } from "./ui-harness.js";
import { launchBrowser, makeDataPath, newPage, screenshot, serve, signIn } from "./ui-harness.js";

/**
 * The management pages in a real browser against a real `octoflow serve`: schedules, locks,
 * connections and assets (seed 000's "create asset"), a flow's definition checked line by line,
 * and every page in the dark theme.
 */

const FILES = {
  "flows/nightly.yml":
    'name: nightly\nschedule: { cron: "0 3 * * *" }\nsteps:\n  - { name: only, type: noop }\n',
  "flows/hourly.yml":
    "name: hourly\nschedule: { every_seconds: 3600 }\nsteps:\n  - { name: only, type: noop }\n",
  "flows/slow.yml": "name: slow\nsteps:\n  - { name: nap, type: sleep, sleep: { duration: 120 } }\n",
  "flows/broken.yml": "name: broken\nsteps:\n  - name: a\n    type: sleeep\n",
  "files/orders.csv": "id,amount\n1,20\n2,22.5\n",
  "files/2024/customers.json": '[{"id": 1, "name": "Ada"}]\n',
  "connections.yml": `- { name: files, type: localfs, path: files }
- { name: warehouse, type: sqlite, path: warehouse.db }
- { name: archive, type: localfs, path: archive }
`,
};

let server: Served;
let browser: Browser;
let page: Page;
const poll = <T>(read: () => T | Promise<T>, timeout = 10_000) => expect.poll(read, { timeout });

beforeAll(async () => {
  const data = makeDataPath(FILES);
  const db = new Database(join(data, "warehouse.db"));
  db.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, since DATE)");
  db.close();
  server = await serve(data);
  browser = await launchBrowser();
  ({ page } = await newPage(browser));
  await signIn(page, server.url);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("the web UI, management pages", () => {
  it("adds a schedule with its next fire time, then removes it", async () => {
    await page.getByRole("link", { name: "Schedules" }).click();
    await page.getByText("Nothing is scheduled.").waitFor();
    await page.getByLabel("Flow to schedule").selectOption("nightly.yml");
    await page.getByRole("button", { name: "Add schedule" }).click();
    const row = page.locator('tr[data-flow="nightly"]');
    await row.waitFor();
    expect(await row.textContent()).toMatch(/cron 0 3 \* \* \*.*in \d+/);
    await screenshot(page, "schedules");
    expect((await server.api<{ schedules: unknown[] }>("/schedules")).body.schedules).toHaveLength(1);
    await row.getByRole("button", { name: "Remove the schedule of nightly" }).click();
    await page.getByText("Nothing is scheduled.").waitFor();
    expect((await server.api<{ schedules: unknown[] }>("/schedules")).body.schedules).toHaveLength(0);
  });

  it("shows who holds a flow's lock and removes it", async () => {
    const run = await server.api<{ id: number }>("/runs", { method: "POST", json: { flow: "slow" } });
    await page.getByRole("link", { name: "Locks" }).click();
    const row = page.locator('tr[data-lock="slow"]');
    await row.waitFor();
    expect(await row.textContent()).toContain(`#${run.body.id}`);
    await screenshot(page, "locks");
    await row.getByRole("button", { name: "Remove the lock of slow" }).click();
    await page.getByText("No flow holds a lock.").waitFor();
    await server.api(`/runs/${run.body.id}/cancel`, { method: "POST" });
  });

  it("tests connections and shows where one fails", async () => {
    await page.getByRole("link", { name: "Connections" }).click();
    const files = page.locator('tr[data-connection="files"]');
    await files.getByRole("button", { name: "Test" }).click();
    await poll(() => files.locator(".test-result").textContent()).toContain("✓");
    const archive = page.locator('tr[data-connection="archive"]');
    await archive.getByRole("button", { name: "Test" }).click();
    await poll(() => archive.locator(".test-result").textContent()).toContain("does not exist");
    await screenshot(page, "connections");
  });

  it("creates an asset from what discover finds, and one by hand", async () => {
    await page.locator('tr[data-connection="files"]').getByRole("link", { name: "Browse" }).click();
    const orders = page.locator('tr[data-object="orders.csv"]');
    await orders.waitFor();
    await screenshot(page, "connection-discover");
    await orders.getByRole("link", { name: "Create asset…" }).click();
    expect(await page.getByLabel("Name").inputValue()).toBe("orders");
    expect(await page.getByLabel("Connection").inputValue()).toBe("files");
    expect(await page.getByLabel("Location path").inputValue()).toBe("orders.csv");
    await page.getByRole("button", { name: "Create asset" }).click();
    await page.locator('tr[data-asset="orders"]').waitFor();

    await page.getByRole("link", { name: "New asset" }).click();
    await page.getByLabel("Name").fill("orders");
    await page.getByLabel("Type").fill("table");
    await page.getByLabel("Connection").selectOption("warehouse");
    await page.getByLabel("Location", { exact: true }).fill("main.customers");
    await page.getByRole("button", { name: "Create asset" }).click();
    await poll(() => page.locator(".field.invalid").textContent()).toContain("already exists");
    await screenshot(page, "asset-form-error");
    await page.getByLabel("Name").fill("customers");
    await page.getByRole("button", { name: "Create asset" }).click();
    await page.locator('tr[data-asset="customers"]').waitFor();
    await screenshot(page, "assets");

    const { body } = await server.api<{
      assets: { name: string; storage_location: string; files: unknown[] }[];
    }>("/assets");
    expect(body.assets.map((a) => [a.name, a.storage_location, a.files.length])).toEqual([
      ["customers", "main.customers", 0],
      ["orders", "orders.csv", 1],
    ]);
  });

  it("checks a changed definition and shows each problem under its line", async () => {
    await page.goto(`${server.url}/flows/nightly.yml?tab=definition`);
    await page.getByRole("button", { name: "Edit and check…" }).click();
    const editor = page.getByLabel("Flow definition (YAML)");
    await editor.fill((await editor.inputValue()).replace("type: noop", "type: nope"));
    await page.getByRole("button", { name: "Check" }).click();
    const problem = page.locator("li.has-problem");
    await problem.waitFor();
    expect(await problem.locator("code").textContent()).toContain("type: nope");
    expect(await problem.locator(".line-problem").textContent()).toContain("nope");
    await screenshot(page, "flow-definition-problem");
  });

  it("shows an invalid flow file's problems with their lines", async () => {
    await page.goto(`${server.url}/flows`);
    expect(await page.locator('tr[data-flow="broken.yml"]').textContent()).toContain("1 problems");
    await page.getByRole("link", { name: "broken.yml" }).first().click();
    await poll(() => page.getByRole("list", { name: "Problems" }).textContent()).toContain("line 4");
  });

  it("reads well in the dark theme", async () => {
    const { context, page: dark } = await newPage(browser, "dark");
    await signIn(dark, server.url);
    const run = await server.api<{ id: number }>("/runs", { method: "POST", json: { flow: "hourly" } });
    for (const [path, name] of [
      ["/runs", "dark-runs"],
      [`/runs/${run.body.id}`, "dark-run"],
      ["/flows", "dark-flows"],
      ["/flows/nightly.yml?tab=launch", "dark-flow-launch"],
      ["/connections", "dark-connections"],
      ["/assets", "dark-assets"],
    ] as const) {
      await dark.goto(`${server.url}${path}`);
      await dark.locator("main h1").first().waitFor();
      await dark.waitForLoadState("networkidle").catch(() => undefined);
      await screenshot(dark, name);
    }
    const background = await dark.evaluate("getComputedStyle(document.documentElement).backgroundColor");
    expect(background).toBe("rgb(14, 17, 21)");
    await context.close();
  });
});
