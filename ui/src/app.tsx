import { useEffect, useState } from "preact/hooks";
import { session } from "./api/client.js";
import { Link, matchPath, usePlace } from "./router.js";
import { SignIn } from "./pages/sign-in.js";
import { ROUTES, NotFound } from "./routes.js";

const NAV = [
  { href: "/runs", label: "Runs" },
  { href: "/flows", label: "Flows" },
  { href: "/schedules", label: "Schedules" },
  { href: "/locks", label: "Locks" },
  { href: "/connections", label: "Connections" },
  { href: "/assets", label: "Assets" },
];

/** The shell: sign-in until the session has a token, then the navigation and the page of the URL. */
export function App() {
  const [token, setToken] = useState(session.token());
  useEffect(() => session.subscribe(() => setToken(session.token())), []);
  const place = usePlace();
  if (!token) return <SignIn />;

  let page = <NotFound />;
  for (const route of ROUTES) {
    const params = matchPath(route.path, place.path);
    if (params) {
      page = route.render(params, place.query);
      break;
    }
  }
  const section = "/" + (place.path.split("/")[1] ?? "");
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <nav class="topbar" aria-label="Main">
        <Link href="/runs" class="brand">
          <img src="/favicon.svg" alt="" width={22} height={22} />
          octoflow
        </Link>
        <ul>
          {NAV.map((item) => (
            <li key={item.href}>
              <Link href={item.href} aria-current={section === item.href ? "page" : undefined}>
                {item.label}
              </Link>
            </li>
          ))}
        </ul>
        <button type="button" class="link-button" onClick={() => session.signOut()}>
          Sign out
        </button>
      </nav>
      <main id="main" tabIndex={-1}>
        {page}
      </main>
    </>
  );
}
