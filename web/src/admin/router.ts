import { useEffect, useState } from 'react';

/** The console's base path (Vite's `base`, web/vite.config.ts; the server mounts it there). */
export const BASE = '/admin';

const EVENT = 'gatehouse:navigate';

/** The path under /admin, e.g. "/users/12" ("/" for the start page). */
function currentPath(): string {
  const p = window.location.pathname.startsWith(BASE) ? window.location.pathname.slice(BASE.length) : '/';
  return p === '' ? '/' : p;
}

export function navigate(path: string): void {
  window.history.pushState(null, '', `${BASE}${path}`);
  window.dispatchEvent(new Event(EVENT));
}

/** Re-renders on navigate() and on the browser's back and forward buttons. */
export function usePath(): string {
  const [path, setPath] = useState(currentPath());
  useEffect(() => {
    const update = (): void => setPath(currentPath());
    window.addEventListener('popstate', update);
    window.addEventListener(EVENT, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(EVENT, update);
    };
  }, []);
  return path;
}
