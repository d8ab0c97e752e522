import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { OctoflowError } from "../model/errors.js";
import type { Settings } from "../services/settings.js";

/** Where `serve` keeps the token it generated, readable only by its owner. */
export const tokenFile = (settings: Pick<Settings, "dataPath">): string =>
  join(settings.dataPath, "api-token");

export interface ApiToken {
  readonly token: string;
  /** Where it came from: the environment, the token file, or just generated into the file. */
  readonly source: "env" | "file" | "generated";
  readonly file?: string;
}

/** Shorter tokens are refused: a guessable token is worse than none. */
const MIN_TOKEN_LENGTH = 16;

/**
 * The server's API token: API_TOKEN when set; otherwise the token stored at DATA_PATH/api-token;
 * otherwise a new random one, written there with mode 0600. There is no default token.
 *
 * @example const { token, source } = resolveApiToken(settings); if (source === "generated") print(token);
 */
export function resolveApiToken(settings: Pick<Settings, "dataPath" | "apiToken">): ApiToken {
  if (settings.apiToken !== undefined) {
    if (settings.apiToken.length < MIN_TOKEN_LENGTH) {
      throw new OctoflowError("CONFIG_INVALID", `API_TOKEN is shorter than ${MIN_TOKEN_LENGTH} characters`, {
        hint: "use a long random token (openssl rand -hex 32), or unset API_TOKEN to have one generated",
      });
    }
    return { token: settings.apiToken, source: "env" };
  }
  const file = tokenFile(settings);
  const stored = readStored(file);
  if (stored) return { token: stored, source: "file", file };
  mkdirSync(settings.dataPath, { recursive: true });
  const token = randomBytes(32).toString("base64url");
  try {
    // `wx`: two servers starting at once must not overwrite each other's token.
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    const raced = (error as NodeJS.ErrnoException).code === "EEXIST" ? readStored(file) : undefined;
    if (raced) return { token: raced, source: "file", file };
    throw new OctoflowError(
      "CONFIG_INVALID",
      `cannot write the API token to ${file}: ${(error as Error).message}`,
      {
        hint: "make DATA_PATH writable, or set API_TOKEN",
      },
    );
  }
  return { token, source: "generated", file };
}

function readStored(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new OctoflowError(
      "CONFIG_INVALID",
      `cannot read the API token file ${file}: ${(error as Error).message}`,
    );
  }
  // Someone loosened its mode: tighten it again rather than serve with a token others can read.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  if (text.length < MIN_TOKEN_LENGTH) {
    throw new OctoflowError(
      "CONFIG_INVALID",
      `the API token in ${file} is shorter than ${MIN_TOKEN_LENGTH} characters`,
      {
        hint: "delete the file to have a new token generated",
      },
    );
  }
  return text;
}
