import type { AnchorHTMLAttributes, ComponentChildren, TargetedMouseEvent } from "preact";
import { useEffect, useState } from "preact/hooks";

/**
 * History routing: every page has a real URL (the server answers index.html for any path that
 * is not a file), so back, forward, reload and a shared link all work.
 */

export interface Place {
  readonly path: string;
  readonly query: URLSearchParams;
}

const listeners = new Set<() => void>();
const notify = (): void => listeners.forEach((listener) => listener());
window.addEventListener("popstate", notify);

export function currentPlace(): Place {
  return { path: decodeURI(location.pathname), query: new URLSearchParams(location.search) };
}

/** The current path and query; re-renders on every navigation. */
export function usePlace(): Place {
  const [place, setPlace] = useState(currentPlace);
  useEffect(() => {
    const update = (): void => setPlace(currentPlace());
    listeners.add(update);
    return () => void listeners.delete(update);
  }, []);
  return place;
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === location.pathname + location.search) return;
  if (options.replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  notify();
  if (!options.replace) window.scrollTo(0, 0);
}

/** Sets or removes query parameters of the current URL (filters, tabs, the selected step). */
export function setQuery(changes: Record<string, string | null | undefined>, replace = true): void {
  const query = new URLSearchParams(location.search);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === undefined || value === "") query.delete(key);
    else query.set(key, value);
  }
  const search = query.toString();
  navigate(`${location.pathname}${search ? `?${search}` : ""}`, { replace });
}

/** `/runs/:id` against `/runs/42` gives `{ id: "42" }`; a trailing `*` takes the rest of the path. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const parts = pattern.split("/");
  const given = path.split("/");
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (part === "*") {
      params["*"] = given.slice(i).join("/");
      return params["*"] ? params : undefined;
    }
    const value = given[i];
    if (value === undefined) return undefined;
    if (part.startsWith(":")) params[part.slice(1)] = value;
    else if (part !== value) return undefined;
  }
  return given.length === parts.length ? params : undefined;
}

type LinkProps = AnchorHTMLAttributes & { href: string; children?: ComponentChildren };

/** An anchor that navigates without reloading; a modified click (new tab) is left to the browser. */
export function Link({ href, onClick, ...rest }: LinkProps) {
  const click = (event: TargetedMouseEvent<HTMLAnchorElement>): void => {
    if (typeof onClick === "function") onClick(event);
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={click} {...rest} />;
}

/** A path segment as it goes into a URL. */
export const segment = (text: string): string => text.split("/").map(encodeURIComponent).join("/");
