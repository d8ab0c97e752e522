import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { delimiter, join } from "node:path";

/**
 * A real S3-protocol server for the tests: moto_server (moto 5.2.1 is part of this project's
 * machine image), started on 127.0.0.1 and a free port, once per test file. It answers the real
 * AWS SDK like AWS does. The helper creates an IAM user with an access key; `authenticate(true)`
 * makes moto check keys and signatures, so wrong keys fail the way they fail on AWS. It is off
 * otherwise: moto 5.2.1 computes the signature of a query string holding "/" or ":" (a listing
 * with prefix "a/") differently from AWS, and would refuse valid requests.
 */
export interface S3TestServer {
  readonly endpoint: string;
  readonly region: string;
  /** A key pair moto accepts (a user with s3:* on everything). */
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Switches the checking of keys and signatures on or off. */
  authenticate(on: boolean): Promise<void>;
  /** Stops the server; waits until the process has exited. */
  stop(): Promise<void>;
}

const REGION = "us-east-1";
const START_TIMEOUT_MS = 30_000;

/** Where moto_server is: MOTO_SERVER, then PATH, then pyenv's shims. */
export function findMotoServer(): string | undefined {
  const candidates = [
    process.env.MOTO_SERVER,
    ...(process.env.PATH ?? "").split(delimiter).map((dir) => join(dir, "moto_server")),
    "/root/.pyenv/shims/moto_server",
  ];
  return candidates.find((candidate): candidate is string => !!candidate && existsSync(candidate));
}

/**
 * Starts moto_server and waits until it answers.
 *
 * @example
 * let s3: S3TestServer;
 * beforeAll(async () => { s3 = await startS3Server(); });
 * afterAll(() => s3.stop());
 */
export async function startS3Server(): Promise<S3TestServer> {
  const command = findMotoServer();
  if (!command) {
    throw new Error(
      "moto_server was not found (set MOTO_SERVER, or install moto[server] so that moto_server is on PATH)",
    );
  }
  const port = await freePort();
  const child = spawn(command, ["-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, MOTO_ALLOW_NONEXISTENT_REGION: "true" },
  });
  let output = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = () => stopProcess(child);
  try {
    await waitUntilAnswering(endpoint, child, () => output);
    const keys = await createAccessKey(endpoint);
    const authenticate = (on: boolean) => post(endpoint, "/moto-api/reset-auth", on ? "0" : "inf");
    return { endpoint, region: REGION, ...keys, authenticate, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilAnswering(
  endpoint: string,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${output()}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto_server did not answer within ${START_TIMEOUT_MS} ms: ${output()}`);
}

/** IAM calls while authentication is still off: any signature passes, the scope picks the service. */
async function iam(endpoint: string, params: Record<string, string>): Promise<string> {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization:
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20250101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0",
    },
    body: new URLSearchParams({ Version: "2010-05-08", ...params }).toString(),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`moto IAM ${params.Action} failed: ${response.status} ${text}`);
  return text;
}

async function createAccessKey(endpoint: string): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  const user = "octoflow-tests";
  await iam(endpoint, { Action: "CreateUser", UserName: user });
  await iam(endpoint, {
    Action: "PutUserPolicy",
    UserName: user,
    PolicyName: "everything",
    PolicyDocument: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
    }),
  });
  const created = await iam(endpoint, { Action: "CreateAccessKey", UserName: user });
  const accessKeyId = /<AccessKeyId>([^<]+)</.exec(created)?.[1];
  const secretAccessKey = /<SecretAccessKey>([^<]+)</.exec(created)?.[1];
  if (!accessKeyId || !secretAccessKey) throw new Error(`moto gave no access key: ${created}`);
  return { accessKeyId, secretAccessKey };
}

async function post(endpoint: string, path: string, body: string): Promise<void> {
  const response = await fetch(`${endpoint}${path}`, { method: "POST", body });
  if (!response.ok) throw new Error(`moto ${path} failed: ${response.status} ${await response.text()}`);
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
