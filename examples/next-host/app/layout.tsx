import type { ReactNode } from 'react';
import './globals.css';
import { HostNav } from './host-nav';
import { Providers } from './providers';

export const metadata = { title: 'QuFabric Console' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <body className="min-h-screen bg-neutral-50 text-neutral-900 dark:bg-neutral-900 dark:text-neutral-100">
        <Providers>
          <HostNav />
          <main className="mx-auto max-w-5xl p-6">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
