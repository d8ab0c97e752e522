/**
 * The REST API as the page calls it: every request carries the token, which lives in
 * sessionStorage (this tab, until it closes) and never in a URL.
 */

const TOKEN_KEY = "octoflow.token";
const listeners = new Set<() => void>();

export const session = {
  token(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  signIn(token: string): void {
    sessionStorage.setItem(TOKEN_KEY, token);
    listeners.forEach((listener) => listener());
  },
  signOut(): void {
    sessionStorage.removeItem(TOKEN_KEY);
    listeners.forEach((listener) => listener());
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

/** An error answer of the API: `{ error: { code, message, hint, details } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export interface RequestOptions {
  readonly method?: "GET" | "POST" | "PUT" | "DELETE";
  readonly json?: unknown;
  readonly signal?: AbortSignal;
  /** A token to try instead of the session's (sign-in). */
  readonly token?: string;
}

/** Calls `/api/v1{path}` and answers its JSON; an error answer throws ApiError, 401 also signs out. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  const token = options.token ?? session.token();
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.json !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method: options.method ?? "GET",
      headers,
      ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    throw new ApiError(0, "OFFLINE", "the server does not answer", "check that octoflow serve is running");
  }
  const text = await response.text();
  const body = text ? (JSON.parse(text) as unknown) : null;
  if (response.ok) return body as T;
  const error = (body as { error?: Partial<ApiError> } | null)?.error ?? {};
  if (response.status === 401 && options.token === undefined) session.signOut();
  throw new ApiError(
    response.status,
    error.code ?? "HTTP_" + response.status,
    error.message ?? response.statusText,
    error.hint,
    error.details,
  );
}

/** The message of anything thrown, with the API's hint when there is one. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.hint ? `${error.message} — ${error.hint}` : error.message;
  return error instanceof Error ? error.message : String(error);
}
