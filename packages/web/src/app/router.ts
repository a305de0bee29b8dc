import { useSyncExternalStore } from 'react';

/** A minimal history router: the server answers every path with index.html (SPA fallback). */
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

export function navigate(path: string): void {
  if (path === location.pathname) return;
  history.pushState(null, '', path);
  for (const listener of listeners) listener();
}

export function usePath(): string {
  return useSyncExternalStore(subscribe, () => location.pathname);
}

/** Replaces the current path (a draft that got its id keeps its place in the history). */
export function replacePath(path: string): void {
  if (path === location.pathname) return;
  history.replaceState(null, '', path);
  for (const listener of listeners) listener();
}

/** Link click handler for the router: a plain left click navigates inside the app. */
export function followLink(
  e: { preventDefault: () => void; button?: number; ctrlKey?: boolean; metaKey?: boolean },
  to: string,
): void {
  if (e.button !== undefined && e.button !== 0) return;
  if (e.ctrlKey || e.metaKey) return;
  e.preventDefault();
  navigate(to);
}
