import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/**
 * The API as `npm start` runs it, `node apps/api/src/main.js` in a process of its own, for what an in-process server
 * cannot show: a kill -9, the resident memory of a serving process.
 */

/** The repository root: the nearest directory up from here with node_modules (this file also runs compiled). */
const repoRoot = (): string => {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules')) && existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error('no repository root above this file');
  }
};

let compiled: { readonly dir: string; readonly entry: string } | null = null;

/**
 * The server's compiled entry point: the one built next to this file when it runs compiled (bench/.build, the crash
 * test's build), else the sources compiled once per process with swc (about a second) into a temporary directory.
 */
export const serverEntry = (): string => {
  const beside = resolve(__dirname, '..', '..', 'apps', 'api', 'src', 'main.js');
  if (existsSync(beside)) return beside;
  if (!compiled) {
    const root = repoRoot();
    const out = mkdtempSync(join(tmpdir(), 'chip-ledger-server-'));
    execFileSync(join(root, 'node_modules', '.bin', 'swc'),
      ['apps', 'libs', '-d', out, '--copy-files', '--ignore', '**/*.spec.ts,**/testing/**', '--quiet'], { cwd: root, stdio: 'pipe' });
    compiled = { dir: out, entry: join(out, 'apps', 'api', 'src', 'main.js') };
  }
  return compiled.entry;
};

/** The CLI's compiled entry point, built with the server's. */
export const cliEntry = (): string => resolve(dirname(serverEntry()), '..', '..', 'cli', 'src', 'main.js');

export type FinishedRun = { readonly code: number | null; readonly stdout: string; readonly stderr: string };

/** Runs a compiled entry point (a CLI command, a server that is expected not to start) to its end. */
export const runToEnd = (entry: string, args: readonly string[], env: Record<string, string>, timeoutMs = 60_000): Promise<FinishedRun> =>
  new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [entry, ...args], {
      env: { ...process.env, NODE_PATH: join(repoRoot(), 'node_modules'), ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${entry} ${args.join(' ')} still ran after ${timeoutMs} ms:\n${stdout.slice(-2000)}${stderr.slice(-2000)}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });

/** Removes what `serverEntry` compiled, if anything (call it when the tests that start servers are done). */
export const removeCompiledServer = (): void => {
  if (compiled) rmSync(compiled.dir, { recursive: true, force: true });
  compiled = null;
};

const freePort = (): Promise<number> => new Promise((resolvePort, reject) => {
  const server = createServer();
  server.once('error', reject);
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    server.close(() => resolvePort(port));
  });
});

export type ServerProcess = {
  readonly url: string;
  readonly pid: number;
  /** Everything the server wrote to standard output so far. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output (waiting for it), rejects if the server exits first. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGKILL: no shutdown hook runs, nothing is flushed. Resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM: a clean shutdown. */
  stop(): Promise<void>;
  /** Resident set size now, in MB (from `ps`). */
  rssMb(): number;
};

export type ServerProcessOptions = {
  readonly dataDir: string;
  readonly env?: Record<string, string>;
  readonly nodeArgs?: readonly string[];
};

/** Starts the server on `dataDir` and resolves once it answers GET /health. */
export const startServerProcess = async ({ dataDir, env = {}, nodeArgs = [] }: ServerProcessOptions): Promise<ServerProcess> => {
  const entry = serverEntry();
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, entry], {
    env: { ...process.env, NODE_PATH: join(repoRoot(), 'node_modules'), DATA_DIR: dataDir, PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let listeners: (() => void)[] = [];
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => {
    resolveExit(code);
    for (const listener of listeners) listener();
  }));
  let alive = true;
  void exited.then(() => {
    alive = false;
  });
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);

  const waitForOutput = (pattern: RegExp, timeoutMs = 60_000) => new Promise<RegExpMatchArray>((resolveMatch, reject) => {
    const timer = setTimeout(() => done(new Error(`no ${pattern} in the server's output within ${timeoutMs} ms:\n${out.slice(-2000)}`)), timeoutMs);
    const check = () => {
      const match = out.match(pattern);
      if (match) done(null, match);
      else if (!alive) done(new Error(`the server exited before printing ${pattern}:\n${out.slice(-2000)}`));
    };
    const done = (error: Error | null, match?: RegExpMatchArray) => {
      clearTimeout(timer);
      listeners = listeners.filter((l) => l !== check);
      if (error) reject(error);
      else resolveMatch(match as RegExpMatchArray);
    };
    listeners.push(check);
    check();
  });

  const url = `http://127.0.0.1:${port}`;
  const server: ServerProcess = {
    url,
    pid: child.pid as number,
    output: () => out,
    waitForOutput,
    kill: async () => {
      if (alive) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (alive) child.kill('SIGTERM');
      await exited;
    },
    rssMb: () => Number(execFileSync('ps', ['-o', 'rss=', '-p', String(child.pid)]).toString().trim()) / 1024,
  };
  try {
    await waitForOutput(/Listening on/);
    for (let attempt = 0; ; attempt++) {
      const ok = await fetch(`${url}/health`).then((r) => r.status < 500, () => false);
      if (ok) break;
      if (attempt > 600 || !alive) throw new Error(`the server did not answer /health:\n${out.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (error) {
    await server.kill();
    throw error;
  }
  return server;
};
