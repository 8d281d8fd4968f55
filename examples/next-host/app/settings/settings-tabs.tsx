'use client';
// The console's settings tabs. The host shows the heading (a breadcrumb); the elements,
// with chrome="none", draw neither card nor heading of their own.
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { confirmLeaving } from '../unsaved';
import { SsoElement } from './sso-element';

const TABS = [
  { id: 'identity-providers', label: 'Identity Providers' },
  { id: 'groups', label: 'Groups' },
] as const;

export function SettingsTabs() {
  const params = useSearchParams();
  const tab = TABS.find((t) => t.id === params.get('tab')) ?? TABS[0];
  const at = params.get('at') ?? '/';
  return (
    <section aria-labelledby="settings-title">
      <p className="text-sm text-neutral-500 dark:text-neutral-400">Settings</p>
      <h1 id="settings-title" className="mb-4 text-2xl font-semibold">{tab.label}</h1>
      <nav aria-label="Settings" className="mb-6 flex gap-2 border-b border-neutral-200 dark:border-neutral-800">
        {TABS.map((t) => (
          <Link
            key={t.id}
            href={`/settings?tab=${t.id}`}
            onClick={confirmLeaving}
            aria-current={t.id === tab.id ? 'page' : undefined}
            className="-mb-px border-b-2 border-transparent px-3 py-2 text-sm aria-[current=page]:border-indigo-600 aria-[current=page]:font-semibold"
          >
            {t.label}
          </Link>
        ))}
      </nav>
      <SsoElement key={tab.id} kind={tab.id} at={at} />
    </section>
  );
}
