import { z } from "zod";
import { OctoflowError } from "../model/errors.js";
import type { ConnectorEnvironment } from "./connector.js";

/**
 * A value in connections.yml that may come from elsewhere: written as is, `{ secret: NAME }`
 * (secrets.yml or OCTOFLOW_SECRET_*), or `{ env: VAR }`.
 */
export const configValueSchema = z
  .union([
    z.string(),
    z.strictObject({ secret: z.string().min(1) }),
    z.strictObject({ env: z.string().min(1) }),
  ])
  .meta({ description: "A value, { secret: NAME } or { env: VARIABLE }." });

export type ConfigValue = z.output<typeof configValueSchema>;

/**
 * The text of a value: a token secret gives its token, a credential secret its password.
 *
 * @example resolveText({ secret: "pg_password" }, environment, "password of warehouse")
 */
export function resolveText(value: ConfigValue, environment: ConnectorEnvironment, what: string): string {
  if (typeof value === "string") return value;
  if ("env" in value) {
    const text = process.env[value.env];
    if (text === undefined) {
      throw new OctoflowError(
        "CONFIG_INVALID",
        `${what} comes from the environment variable ${value.env}, which is not set`,
        {
          hint: `set ${value.env}, or write the value in connections.yml`,
        },
      );
    }
    return text;
  }
  const secret = environment.secrets.get(value.secret);
  return secret.type === "token" ? secret.token : secret.password;
}

/** A username and password from a credential secret (or from two plain values). */
export function resolveCredential(
  value: ConfigValue,
  environment: ConnectorEnvironment,
  what: string,
): { username: string; password: string } {
  if (typeof value === "object" && "secret" in value) {
    const secret = environment.secrets.get(value.secret);
    if (secret.type === "credential") return { username: secret.username, password: secret.password };
    throw new OctoflowError(
      "CONFIG_INVALID",
      `${what} needs a credential secret, but "${value.secret}" is a token`,
      {
        hint: "use a secret of type credential (username and password)",
      },
    );
  }
  throw new OctoflowError("CONFIG_INVALID", `${what} must be { secret: NAME } naming a credential secret`);
}
