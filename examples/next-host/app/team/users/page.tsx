import { Suspense } from 'react';
import { UserList } from './user-list';

export default function UsersPage() {
  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title" className="mb-4 text-2xl font-semibold">Users</h1>
      <Suspense fallback={<p role="status">Loading…</p>}>
        <UserList />
      </Suspense>
    </section>
  );
}
