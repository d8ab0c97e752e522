import { useState } from "preact/hooks";
import { ApiError, api, describeError, session } from "../api/client.js";
import { useTitle } from "../hooks.js";

/**
 * Asks for the API token (`API_TOKEN`, or the one `octoflow serve` printed at its first start),
 * checks it against the server and keeps it for this tab's session only.
 */
export function SignIn() {
  useTitle("Sign in");
  const [token, setToken] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const given = token.trim();
    if (!given) return setError("Enter the API token.");
    setBusy(true);
    setError(undefined);
    try {
      await api("/runs?limit=1", { token: given });
      session.signIn(given);
    } catch (caught) {
      setError(
        caught instanceof ApiError && caught.status === 401
          ? "The server refused this token. Check API_TOKEN (or the token octoflow serve printed)."
          : describeError(caught),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in" id="main">
      <form class="card sign-in-card" onSubmit={submit} noValidate>
        <h1>
          <img src="/favicon.svg" alt="" width={28} height={28} /> octoflow
        </h1>
        <p class="muted">Sign in with the server's API token. It is kept only until this tab closes.</p>
        <label for="token">API token</label>
        <input
          id="token"
          type="password"
          autoComplete="current-password"
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "token-error" : undefined}
          autoFocus
        />
        {error ? (
          <p id="token-error" class="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? "Checking…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
