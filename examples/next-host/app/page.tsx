// The console's own first page: nothing of ours on it (the elements' tab is elsewhere).
export default function PeersPage() {
  return (
    <section aria-labelledby="peers-title">
      <h1 id="peers-title" className="mb-4 text-2xl font-semibold">Peers</h1>
      <p className="text-neutral-600 dark:text-neutral-400">No peer has joined this network yet.</p>
    </section>
  );
}
