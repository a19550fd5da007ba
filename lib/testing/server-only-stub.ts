// Test-only. Vitest runs server modules outside Next's react-server layer, where the real
// `server-only` package throws on import; vitest.config.mts aliases it here. Next builds keep
// the real guard.
export {};
