import type { ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { chromium } from "playwright-core";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { repoRoot, startCli } from "../cli-helpers.js";

export const TOKEN = "ui-test-token-7f3a9c2e51b84d06";
export const CHROMIUM = "/usr/bin/chromium";
export const ARTIFACTS = join(repoRoot, "test-artifacts", "ui");

/** Writes files (path → text) under a fresh DATA_PATH. */
export function makeDataPath(files: Record<string, string>): string {
  const data = mkdtempSync(join(tmpdir(), "octoflow-ui-"));
  for (const [path, text] of Object.entries(files)) {
    const file = join(data, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return data;
}

export interface Served {
  readonly url: string;
  readonly data: string;
  /** GET or POST an API route with the token; answers the parsed JSON. */
  api<T = unknown>(
    path: string,
    init?: { method?: string; json?: unknown },
  ): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

/** `octoflow serve` as a real child process (the built CLI in dist/, the built UI in dist/ui). */
export async function serve(data: string): Promise<Served> {
  if (!existsSync(join(repoRoot, "dist", "ui", "index.html")))
    throw new Error("the UI is not built: run `npm run build` before the UI tests");
  const child: ChildProcess = startCli(["serve", "--port", "0", "--grace-period", "1"], data, {
    API_TOKEN: TOKEN,
  });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 20_000);
    const read = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /"url":"([^"]+)"[^\n]*"msg":"octoflow serving"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    child.on("exit", (code) => reject(new Error(`serve exited ${code}:\n${output}`)));
  });
  return {
    url,
    data,
    async api(path, init = {}) {
      const response = await fetch(`${url}/api/v1${path}`, {
        method: init.method ?? "GET",
        headers: {
          authorization: `Bearer ${TOKEN}`,
          ...(init.json ? { "content-type": "application/json" } : {}),
        },
        ...(init.json ? { body: JSON.stringify(init.json) } : {}),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : null) as never };
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 8000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(data, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium, headless, without any network of its own. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
}

/** A laptop-sized page in the given colour scheme. */
export async function newPage(
  browser: Browser,
  colorScheme: "light" | "dark" = "light",
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 800 }, colorScheme });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on("dialog", (dialog) => void dialog.accept());
  return { context, page };
}

/** Opens `path` and signs in on the form it shows. */
export async function signIn(page: Page, url: string, path = "/runs"): Promise<void> {
  await page.goto(`${url}${path}`);
  await page.getByLabel("API token").fill(TOKEN);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("navigation", { name: "Main" }).waitFor();
}

/** Saves a screenshot of the page as a test artifact. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Waits until `check` holds, polling the API. */
export async function until<T>(check: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
