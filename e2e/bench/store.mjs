// @ts-check
// Store merge: the Vitest bench of the client store's `commit()` (lib/store/*.bench.ts), in
// events per second.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fmt } from './harness/stats.mjs';

export default function store() {
  console.log('\n## Store merge (Vitest bench)\n');
  const out = '.tmp/bench-store.json';
  spawnSync('node_modules/.bin/vitest', ['bench', '--run', '--project', 'unit', `--outputJson=${out}`, 'lib/store'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  try {
    const report = JSON.parse(readFileSync(out, 'utf8'));
    for (const file of report.files) {
      for (const group of file.groups) {
        for (const b of group.benchmarks) {
          const perOp = Number(/(\d+) events/.exec(b.name)?.[1] ?? 1);
          console.log(
            `${b.name}: ${fmt(b.hz)} ops/s → **${fmt(b.hz * perOp)} events/s** (target ≥ 1,000,000) ±${fmt(b.rme, 1)}%`,
          );
        }
      }
    }
  } catch (error) {
    console.log(`store bench failed: ${error}`);
  }
}
