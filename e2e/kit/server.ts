import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { freePort } from './free-port';
import { pollUntil } from './poll';

/**
 * Starts your server as a child process on its own loopback port, and stops or restarts it: the
 * "server restart" half of the kit. Not Playwright's `webServer`, which cannot restart a server
 * in the middle of a test.
 *
 *   const server = await startServer({ command: process.execPath, args: (port) => ['server.js', '-p', String(port)] });
 *   await server.restart();            // SIGKILL, then the same command on the same port
 *   const app = await startNextApp({ dir: 'my-app' });   // `next start my-app` (needs `next build my-app`)
 */

export interface KitServer {
  /** The port it listens on (127.0.0.1). A start may move to another port if the first was taken. */
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** PID of the current process (-1 before a start). */
  readonly pid: number;
  /** Everything the process printed (stdout and stderr), for assertions and debugging. */
  output: () => string;
  /**
   * Sends `signal` (default SIGTERM) and waits for the exit, sending SIGKILL after `timeoutMs`
   * (default 10 000); resolves with how long the exit took.
   */
  stop: (
    signal?: NodeJS.Signals,
    timeoutMs?: number,
  ) => Promise<{ ms: number; code: number | null; signal: NodeJS.Signals | null }>;
  /** Stops (SIGKILL by default: a crash) and starts again on the same port with the same env. */
  restart: (signal?: NodeJS.Signals) => Promise<void>;
}

export interface ServerOptions {
  /** The executable. Default `process.execPath` (this Node). */
  command?: string;
  /** Its arguments for a given port (the server must listen on 127.0.0.1:`port`). */
  args: (port: number) => string[];
  /** Working directory. Default `process.cwd()`. */
  cwd?: string;
  /** Environment on top of this process's; `PORT` is always set to the chosen port. Default none. */
  env?: Record<string, string>;
  /** A fixed port. Default: a free port chosen by the OS (and another if that one gets taken). */
  port?: number;
  /** The path that answers 2xx once the server is ready. Default `'/'`. */
  readyPath?: string;
  /** How long to wait for `readyPath`. Default 60 000 ms (a cold start on a busy machine is slow). */
  readyTimeoutMs?: number;
  /** How many free ports to try when another process takes the chosen one first. Default 3. */
  portAttempts?: number;
  /** Picks a port when `port` is not given. Default `freePort` (the OS picks one). */
  choosePort?: () => Promise<number>;
}

/**
 * Resolves once `url` answers 2xx; fails at once if `child` exits first (with what it printed).
 * `startServer` uses it; use it directly for a process you spawn yourself.
 */
export async function waitUntilReady(
  url: string,
  child: ChildProcess,
  timeoutMs: number,
  output: () => string,
): Promise<void> {
  const state = await pollUntil(
    async () =>
      child.exitCode !== null || child.signalCode !== null
        ? 'exited'
        : (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok
          ? 'ready'
          : 'starting',
    (value) => value !== 'starting',
    { timeoutMs, what: url },
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}\n${output()}`);
  });
  if (state === 'exited') throw new Error(`the server exited with ${child.exitCode ?? child.signalCode}:\n${output()}`);
}

export async function startServer(options: ServerOptions): Promise<KitServer> {
  const choosePort = options.choosePort ?? freePort;
  let port = options.port ?? (await choosePort());
  let log = '';
  let child: ChildProcess | null = null;

  const launch = async () => {
    const proc = spawn(options.command ?? process.execPath, options.args(port), {
      cwd: options.cwd ?? process.cwd(),
      env: { ...process.env, ...options.env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    proc.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    proc.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const readyUrl = new URL(options.readyPath ?? '/', `http://127.0.0.1:${port}`).href;
    await waitUntilReady(readyUrl, proc, options.readyTimeoutMs ?? 60_000, () => log);
  };

  const stop: KitServer['stop'] = async (signal = 'SIGTERM', timeoutMs = 10_000) => {
    const started = Date.now();
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null)
      return { ms: 0, code: proc?.exitCode ?? null, signal: proc?.signalCode ?? null };
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      proc.once('exit', (code, sig) => resolve({ code, signal: sig })),
    );
    proc.kill(signal);
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    const result = await exited;
    clearTimeout(timer);
    return { ms: Date.now() - started, ...result };
  };

  // A free port is only free until someone binds it: on a busy machine another process can take
  // it between `freePort()` and the server's listen. The server then exits with EADDRINUSE, and
  // a port the caller did not choose can simply be chosen again.
  const attempts = options.port === undefined ? (options.portAttempts ?? 3) : 1;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await launch();
      break;
    } catch (error) {
      await stop('SIGKILL');
      if (!/EADDRINUSE/.test(log) || attempt >= attempts) throw error;
      log += `\n[kit] port ${port} was taken before the server could listen: trying another\n`;
      port = await choosePort();
    }
  }

  return {
    get port() {
      return port;
    },
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get pid() {
      return child?.pid ?? -1;
    },
    output: () => log,
    stop,
    async restart(signal = 'SIGKILL') {
      await stop(signal);
      await launch();
    },
  };
}

export interface NextAppOptions extends Omit<ServerOptions, 'args' | 'command'> {
  /** The app's directory (what you passed to `next build`). Default `'.'`. */
  dir?: string;
}

/**
 * `next start <dir>` of a production build (`next build <dir>` first), with `next` resolved
 * from the working directory's node_modules, as `npx next` would.
 */
export function startNextApp(options: NextAppOptions = {}): Promise<KitServer> {
  const cwd = options.cwd ?? process.cwd();
  const nextBin = createRequire(join(cwd, 'package.json')).resolve('next/dist/bin/next');
  const dir = options.dir ?? '.';
  return startServer({
    ...options,
    cwd,
    env: { NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production', ...options.env },
    args: (port) => [nextBin, 'start', dir, '-p', String(port), '-H', '127.0.0.1'],
  });
}
