'use client';
// The console's header: its own routes (Next's Link), a theme switch, and a badge the
// elements' qufabric:dirty-change events keep up to date.
import Link from 'next/link';
import { useTheme } from 'next-themes';
import { useEffect, useState } from 'react';
import { confirmLeaving } from './unsaved';

export function HostNav() {
  const { resolvedTheme, setTheme } = useTheme();
  const [dirty, setDirty] = useState(false);
  useEffect(() => {
    const changed = (event: CustomEvent<{ dirty: boolean }>) => setDirty(event.detail.dirty);
    document.addEventListener('qufabric:dirty-change', changed);
    return () => document.removeEventListener('qufabric:dirty-change', changed);
  }, []);
  const link = 'rounded px-3 py-2 text-sm font-medium text-neutral-700 hover:bg-neutral-100 dark:text-neutral-200 dark:hover:bg-neutral-800';
  return (
    <header className="flex items-center gap-4 border-b border-neutral-200 bg-white px-6 py-3 dark:border-neutral-800 dark:bg-neutral-950">
      <span className="font-semibold text-neutral-900 dark:text-white">QuFabric Console</span>
      <nav aria-label="Console" className="flex gap-1">
        <Link className={link} href="/" onClick={confirmLeaving}>Peers</Link>
        <Link className={link} href="/team/users" onClick={confirmLeaving}>Users</Link>
        <Link className={link} href="/settings?tab=identity-providers" onClick={confirmLeaving}>Settings</Link>
      </nav>
      {dirty ? <span role="status" className="text-sm text-amber-700 dark:text-amber-400">Unsaved changes</span> : null}
      <button
        type="button"
        className="ml-auto rounded border border-neutral-300 px-3 py-1 text-sm text-neutral-800 dark:border-neutral-700 dark:text-neutral-100"
        onClick={() => setTheme(resolvedTheme === 'dark' ? 'light' : 'dark')}
      >
        {resolvedTheme === 'dark' ? 'Light mode' : 'Dark mode'}
      </button>
    </header>
  );
}
