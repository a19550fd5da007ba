// The bench runs its TypeScript entries with the project's hooks (scripts/ts-hooks.mjs), loaded
// through this path with `--import`.
import '../../scripts/ts-hooks.mjs';
