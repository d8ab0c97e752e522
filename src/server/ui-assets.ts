import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, extname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { ZodServer } from "./context.js";

/** One file of the built UI, held in memory with its gzip form. */
interface UiFile {
  readonly body: Buffer;
  readonly gzip: Buffer | undefined;
  readonly type: string;
  readonly etag: string;
  /** Vite names files under static/ by their content hash: they never change. */
  readonly immutable: boolean;
}

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".map": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
};
/**
 * The page's own routes (ui/src/routes.tsx): each gets index.html. Any other path goes on to the
 * auth hook and the API's router, so nothing but the page and its files answers without a token.
 */
const PAGE_PATH = /^\/(?:(?:runs|flows|schedules|locks|connections|assets)(?:\/.*)?)?$/;
const COMPRESSIBLE = new Set([".html", ".js", ".css", ".svg", ".json", ".map", ".txt"]);
const HTML_HEADERS = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/** Where the built UI is: dist/ui beside dist/server, or dist/ui of the repository when run from src/. */
export function findUiRoot(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  return [join(here, "..", "ui"), join(here, "..", "..", "dist", "ui")].find((dir) =>
    existsSync(join(dir, "index.html")),
  );
}

/**
 * Serves the web UI (built by `npm run build` into dist/ui) at `/`, without a token: its files
 * hold no data, and every API call the page makes sends the token. A GET of one of the page's
 * routes gets index.html, so `/runs/42` works when opened directly, reloaded or shared. The hook must be added before the auth hook: answering here ends
 * the request before authentication is asked for.
 *
 * @example registerUiAssets(server); server.addHook("onRequest", authHook(token));
 */
export function registerUiAssets(server: ZodServer, root: string | undefined = findUiRoot()): void {
  const files = root ? loadFiles(root) : new Map<string, UiFile>();
  const index = files.get("/index.html") ?? uiFile(".html", Buffer.from(NOT_BUILT), false);
  server.addHook("onRequest", async (request, reply) => {
    if (request.method !== "GET" && request.method !== "HEAD") return;
    const url = request.raw.url ?? "/";
    const path = url.split("?")[0] ?? "/";
    const file = files.get(path) ?? (PAGE_PATH.test(path) ? index : undefined);
    if (file) return send(request, reply, file);
  });
}

function send(request: FastifyRequest, reply: FastifyReply, file: UiFile): FastifyReply {
  void reply
    .header("etag", file.etag)
    .header("cache-control", file.immutable ? "public, max-age=31536000, immutable" : "no-cache")
    .header("vary", "accept-encoding")
    .type(file.type);
  if (file.type.startsWith("text/html")) void reply.headers(HTML_HEADERS);
  if (request.headers["if-none-match"] === file.etag) return reply.code(304).send();
  const gzip = file.gzip && /\bgzip\b/.test(String(request.headers["accept-encoding"] ?? ""));
  if (gzip) void reply.header("content-encoding", "gzip");
  return reply.send(gzip ? file.gzip : file.body);
}

function loadFiles(root: string): Map<string, UiFile> {
  const files = new Map<string, UiFile>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        const name = `/${relative(root, path).split(sep).join("/")}`;
        files.set(name, uiFile(extname(name), readFileSync(path), name.startsWith("/static/")));
      }
    }
  };
  walk(root);
  return files;
}

function uiFile(extension: string, body: Buffer, immutable: boolean): UiFile {
  const compress = COMPRESSIBLE.has(extension) && body.length > 1024;
  return {
    body,
    gzip: compress ? gzipSync(body) : undefined,
    type: TYPES[extension] ?? "application/octet-stream",
    etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`,
    immutable,
  };
}

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>octoflow</title>
<body style="font-family: system-ui, sans-serif; margin: 3rem"><h1>octoflow</h1>
<p>The web UI is not built. Run <code>npm run build</code>, then restart <code>octoflow serve</code>.</p>
<p>The REST API answers under <code>/api/v1</code> (see <code>/api/v1/openapi.json</code>).</p></body></html>`;
