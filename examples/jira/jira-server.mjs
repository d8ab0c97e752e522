// A small stand-in for Jira's search API (GET /rest/api/2/search?jql=…&expand=names), for the
// example and the tests. Usage: node examples/jira/jira-server.mjs [port]
import { createServer } from "node:http";
import { pathToFileURL } from "node:url";

export const ISSUES = [
  { key: "OCTO-1", summary: "Grab data with tentacles", points: 3, status: "Done" },
  { key: "OCTO-2", summary: "Pass data along", points: 5, status: "In Progress" },
  { key: "OCTO-3", summary: "Ink the report", points: null, status: "To Do" },
];

/** Starts the server; resolves with it and its base URL. Checks Basic auth when `credentials` is set. */
export function startJiraServer(
  port = 0,
  credentials = { username: "octo-bot", password: "example-password-123" },
) {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    const expected = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
    if (request.headers.authorization !== expected) {
      response.writeHead(401, { "content-type": "application/json" });
      return response.end(JSON.stringify({ errorMessages: ["You are not authenticated."] }));
    }
    if (url.pathname !== "/rest/api/2/search") {
      response.writeHead(404, { "content-type": "application/json" });
      return response.end(JSON.stringify({ errorMessages: ["Not found"] }));
    }
    const withNames = (url.searchParams.get("expand") ?? "").split(",").includes("names");
    const body = {
      expand: "names,schema",
      startAt: 0,
      maxResults: 50,
      total: ISSUES.length,
      issues: ISSUES.map((issue, index) => ({
        expand: "operations,editmeta",
        id: String(10000 + index),
        key: issue.key,
        fields: {
          summary: issue.summary,
          customfield_10016: issue.points,
          status: { name: issue.status },
        },
      })),
      ...(withNames
        ? { names: { summary: "Summary", customfield_10016: "Story Points", status: "Status" } }
        : {}),
    };
    response.writeHead(200, { "content-type": "application/json;charset=UTF-8" });
    response.end(JSON.stringify(body));
  });
  return new Promise((resolve) =>
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      resolve({ server, url: `http://127.0.0.1:${address.port}` });
    }),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { url } = await startJiraServer(Number(process.argv[2] ?? 8089));
  console.log(`Jira stand-in listening on ${url}`);
}
