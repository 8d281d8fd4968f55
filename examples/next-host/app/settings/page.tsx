import { Suspense } from 'react';
import { SettingsTabs } from './settings-tabs';

// /settings?tab=identity-providers&at=/new: the tab and the element's place live in the
// query, as the web bundle's settings do (a static export has no per-id pages).
export default function SettingsPage() {
  return (
    <Suspense fallback={<p role="status">Loading…</p>}>
      <SettingsTabs />
    </Suspense>
  );
}
