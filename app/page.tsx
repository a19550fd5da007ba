export default function HomePage() {
  return (
    <main className="mx-auto max-w-5xl p-6">
      <h1 className="text-2xl font-semibold">Realtime dashboard</h1>
      <p className="mt-2 text-slate-600 dark:text-slate-400">
        The stream is at <code>/api/stream</code>; try <code>curl -N localhost:3000/api/stream</code>.
      </p>
    </main>
  );
}
