import type { JSX } from "preact";
import { Empty, PageHeader } from "./components/feedback.js";
import { AssetsPage } from "./pages/assets.js";
import { AssetFormPage } from "./pages/asset-form.js";
import { ConnectionPage } from "./pages/connection.js";
import { ConnectionsPage } from "./pages/connections.js";
import { FlowPage } from "./pages/flow.js";
import { FlowsPage } from "./pages/flows.js";
import { LocksPage } from "./pages/locks.js";
import { RunPage } from "./pages/run.js";
import { RunsPage } from "./pages/runs.js";
import { SchedulesPage } from "./pages/schedules.js";
import { Link, navigate } from "./router.js";

interface Route {
  readonly path: string;
  render(params: Record<string, string>, query: URLSearchParams): JSX.Element;
}

/** Every page and its URL; the first match wins. */
export const ROUTES: readonly Route[] = [
  { path: "/", render: () => <Redirect to="/runs" /> },
  { path: "/runs", render: (_, query) => <RunsPage query={query} /> },
  { path: "/runs/:id", render: (p, query) => <RunPage key={p.id} id={Number(p.id)} query={query} /> },
  { path: "/flows", render: () => <FlowsPage /> },
  { path: "/flows/*", render: (p, query) => <FlowPage key={p["*"]} path={p["*"] ?? ""} query={query} /> },
  { path: "/schedules", render: () => <SchedulesPage /> },
  { path: "/locks", render: () => <LocksPage /> },
  { path: "/connections", render: () => <ConnectionsPage /> },
  { path: "/connections/:name", render: (p) => <ConnectionPage key={p.name} name={p.name ?? ""} /> },
  { path: "/assets", render: () => <AssetsPage /> },
  { path: "/assets/new", render: (_, query) => <AssetFormPage query={query} /> },
  { path: "/assets/:id", render: (p, query) => <AssetFormPage key={p.id} id={p.id} query={query} /> },
];

function Redirect({ to }: { to: string }) {
  queueMicrotask(() => navigate(to, { replace: true }));
  return null as unknown as JSX.Element;
}

export function NotFound() {
  return (
    <section>
      <PageHeader title="Not found" />
      <Empty>
        There is no page at this address. Go to the <Link href="/runs">runs</Link>.
      </Empty>
    </section>
  );
}
