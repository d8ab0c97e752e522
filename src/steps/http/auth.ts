import { NonRetriableError } from "../../model/errors.js";
import type { SecretResolver } from "../../plugins/step-type.js";

/** How a rest step authenticates: a secret's name, and optionally the scheme. */
export interface RestAuth {
  readonly secret: string;
  readonly type?: "basic" | "bearer" | undefined;
}

/**
 * The Authorization header for a secret: Basic for a credential (username/password), Bearer for a
 * token; `type` states the scheme and must fit the secret. Also gives the values to mask in every
 * message the step writes (the password or token, and the encoded Basic value).
 *
 * @example authorization({ secret: "jira" }, context.secrets) // { header: "Basic …", secretValues: [...] }
 */
export function authorization(
  auth: RestAuth,
  secrets: SecretResolver,
): { header: string; secretValues: string[] } {
  const secret = secrets.get(auth.secret);
  const type = auth.type ?? (secret.type === "credential" ? "basic" : "bearer");
  if (type === "basic") {
    if (secret.type !== "credential") throw mismatch(auth.secret, "basic", "a token", "bearer");
    const encoded = Buffer.from(`${secret.username}:${secret.password}`).toString("base64");
    return { header: `Basic ${encoded}`, secretValues: [secret.password, encoded] };
  }
  if (secret.type !== "token") throw mismatch(auth.secret, "bearer", "a credential", "basic");
  return { header: `Bearer ${secret.token}`, secretValues: [secret.token] };
}

function mismatch(name: string, wanted: string, actual: string, fits: string): NonRetriableError {
  return new NonRetriableError(`auth type ${wanted} cannot use secret "${name}": it is ${actual}`, {
    hint: `use type: ${fits} (or leave type out to pick it from the secret), or name a secret of the other kind`,
  });
}
