/**
 * The `npm run dev` view of a JSON log line: `12:00:01 INFO  [redis-bus] message key=value`, so
 * a developer reads lines, not objects. Production keeps the JSON (a log pipeline parses it).
 * A line that is not JSON is passed through as it is.
 */

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

export function formatDevLine(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const { level, time, component, msg, err, ...rest } = record;
  const clock = typeof time === 'string' ? time.slice(11, 19) : '';
  const name = LEVELS[Number(level)] ?? String(level);
  const where = typeof component === 'string' ? ` [${component}]` : '';
  const extras = Object.entries(rest)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  const stack = err && typeof err === 'object' && 'stack' in err ? `\n${String(err.stack)}` : '';
  return `${clock} ${name.padEnd(5)}${where} ${typeof msg === 'string' ? msg : JSON.stringify(msg ?? '')}${extras ? ` ${extras}` : ''}${stack}\n`;
}
