import { existsSync, readFileSync } from "node:fs";
import { OctoflowError } from "../model/errors.js";
import { parseYaml } from "../model/yaml-source.js";
import type { Secret, SecretResolver } from "../plugins/step-type.js";

const MASK = "***";
/** Shorter values are not masked: masking "a" would garble every text. Such secrets are refused. */
const MIN_SECRET_LENGTH = 4;

export const emptySecrets: SecretResolver = {
  get: (name) => {
    throw missing(name, []);
  },
  names: () => [],
};

/**
 * Loads secrets (seed 003): the `secrets.yml` list of `credential` (username/password) and
 * `token` entries, then the environment: `OCTOFLOW_SECRET_<NAME>` is a token named `<name>`,
 * `OCTOFLOW_SECRET_<NAME>_USERNAME` with `_PASSWORD` a credential. Errors name the file and entry
 * but never show a value.
 *
 * @example const secrets = loadSecrets(settings.secretsPath, process.env);
 */
export function loadSecrets(
  file: string,
  env: Readonly<Record<string, string | undefined>> = {},
): SecretStore {
  const secrets = new Map<string, Secret>();
  if (existsSync(file)) for (const secret of readSecretsFile(file)) secrets.set(secret.name, secret);
  for (const secret of secretsFromEnv(env)) secrets.set(secret.name, secret);
  for (const secret of secrets.values()) {
    const values = secretValues(secret);
    if (values.some((value) => value.length < MIN_SECRET_LENGTH)) {
      throw new OctoflowError(
        "CONFIG_INVALID",
        `secret "${secret.name}" has a value shorter than ${MIN_SECRET_LENGTH} characters`,
        {
          hint: "such a value cannot be masked in logs; use a real password or token",
        },
      );
    }
  }
  return new SecretStore(secrets);
}

export class SecretStore implements SecretResolver {
  readonly #secrets: ReadonlyMap<string, Secret>;
  readonly #masked: readonly string[];

  constructor(secrets: ReadonlyMap<string, Secret>) {
    this.#secrets = secrets;
    // Longest first, so a value that contains another is masked whole.
    this.#masked = [...new Set([...secrets.values()].flatMap(maskedForms))].sort(
      (a, b) => b.length - a.length,
    );
  }

  get(name: string): Secret {
    const secret = this.#secrets.get(name);
    if (!secret) throw missing(name, [...this.#secrets.keys()]);
    return secret;
  }

  names(): { name: string; type: Secret["type"] }[] {
    return [...this.#secrets.values()].map(({ name, type }) => ({ name, type }));
  }

  /** Replaces every secret value (and its Basic-auth and URL-encoded forms) with ***. */
  redact = (text: string): string => {
    let result = text;
    for (const value of this.#masked) if (result.includes(value)) result = result.split(value).join(MASK);
    return result;
  };

  /** Masks secret values anywhere inside a JSON-like value. */
  redactValue<T>(value: T): T {
    if (this.#masked.length === 0 || value === undefined) return value;
    return JSON.parse(this.redact(JSON.stringify(value))) as T;
  }
}

function secretValues(secret: Secret): string[] {
  return secret.type === "token" ? [secret.token] : [secret.password];
}

function maskedForms(secret: Secret): string[] {
  const values = secretValues(secret);
  const forms = [
    ...values,
    ...values.map(encodeURIComponent),
    ...values.map((v) => JSON.stringify(v).slice(1, -1)),
  ];
  if (secret.type === "credential")
    forms.push(Buffer.from(`${secret.username}:${secret.password}`).toString("base64"));
  return forms.filter((form) => form.length >= MIN_SECRET_LENGTH);
}

function readSecretsFile(file: string): Secret[] {
  const parsed = parseYaml(file, readFileSync(file, "utf8"));
  if (!parsed.ok) {
    const first = parsed.diagnostics[0];
    throw new OctoflowError(
      "CONFIG_INVALID",
      `${file}:${first?.line ?? 0}: ${first?.message ?? "unreadable"}`,
      { hint: first?.hint },
    );
  }
  const entries = parsed.source.value ?? [];
  if (!Array.isArray(entries)) {
    throw new OctoflowError("CONFIG_INVALID", `${file} must hold a list of secrets`, {
      hint: "write `- name: x\\n  type: token\\n  token: …`",
    });
  }
  return entries.map((entry: unknown, index) => {
    const where = (field: string): string => {
      const { line, column } = parsed.source.locate([index, field]);
      return `${file}:${line}:${column} secret ${index + 1}`;
    };
    const fail = (field: string, message: string, hint: string): never => {
      throw new OctoflowError("CONFIG_INVALID", `${where(field)}: ${message}`, { hint });
    };
    if (entry === null || typeof entry !== "object")
      return fail("name", "must be a mapping", "give name, type and the values");
    const e = entry as Record<string, unknown>;
    const text = (field: string): string =>
      typeof e[field] === "string" && e[field] !== ""
        ? (e[field] as string)
        : fail(field, `needs \`${field}\` as text`, `add ${field}: …`);
    const name = text("name");
    if (e.type === "credential")
      return { name, type: "credential", username: text("username"), password: text("password") };
    if (e.type === "token") return { name, type: "token", token: text("token") };
    return fail(
      "type",
      `"${name}" has type ${JSON.stringify(e.type)}`,
      "use type: credential (username, password) or type: token (token)",
    );
  });
}

function secretsFromEnv(env: Readonly<Record<string, string | undefined>>): Secret[] {
  const prefix = "OCTOFLOW_SECRET_";
  const secrets: Secret[] = [];
  const credentials = new Map<string, { username?: string; password?: string }>();
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith(prefix) || value === undefined || value === "") continue;
    const rest = key.slice(prefix.length);
    const part = /_(USERNAME|PASSWORD)$/.exec(rest);
    if (part) {
      const name = rest.slice(0, -part[0].length).toLowerCase();
      const entry = credentials.get(name) ?? {};
      entry[part[1] === "USERNAME" ? "username" : "password"] = value;
      credentials.set(name, entry);
    } else {
      secrets.push({ name: rest.toLowerCase(), type: "token", token: value });
    }
  }
  for (const [name, { username, password }] of credentials) {
    if (username === undefined || password === undefined) {
      throw new OctoflowError(
        "CONFIG_INVALID",
        `secret "${name}" from the environment needs both ${prefix}${name.toUpperCase()}_USERNAME and _PASSWORD`,
      );
    }
    secrets.push({ name, type: "credential", username, password });
  }
  return secrets;
}

function missing(name: string, known: readonly string[]): OctoflowError {
  return new OctoflowError("CONFIG_INVALID", `there is no secret named "${name}"`, {
    hint: known.length
      ? `known secrets: ${known.join(", ")}`
      : "add it to secrets.yml (SECRETS_PATH) or set OCTOFLOW_SECRET_<NAME> in the environment",
  });
}
