'use client';
// The console's own Users page (the elements' "See who signs in with …" comes here), from
// the management API with the host's token; `?provider=` keeps those of one provider.
import { useSearchParams } from 'next/navigation';
import { useEffect, useState } from 'react';
import { authorization, hostConfig } from '../../host-config';

interface User {
  id: string;
  name: string;
  email: string;
  role: string;
  idp_id?: string | null;
}

export function UserList() {
  const provider = useSearchParams().get('provider');
  const [users, setUsers] = useState<User[] | null>(null);
  useEffect(() => {
    let gone = false;
    (async () => {
      const { api } = await hostConfig();
      const answer = await fetch(`${api}/api/users`, { headers: { Authorization: await authorization() } });
      const all = answer.ok ? ((await answer.json()) as User[]) : [];
      if (!gone) setUsers(all);
    })();
    return () => { gone = true; };
  }, []);
  if (!users) return <p role="status">Loading…</p>;
  const shown = provider ? users.filter((user) => user.idp_id === provider) : users;
  return (
    <>
      {provider ? <p className="mb-2 text-sm">Signing in with {provider}</p> : null}
      <ul className="divide-y divide-neutral-200 dark:divide-neutral-800">
        {shown.map((user) => (
          <li key={user.id} className="py-2">{user.name} ({user.email}), {user.role}</li>
        ))}
      </ul>
    </>
  );
}
