// The byline server and CLI for the browser tests: start `byline serve` on
// a free port, wait for what it prints, run CLI commands next to it, stop
// it. Every wait is bounded.

import { spawn } from 'node:child_process';
import readline from 'node:readline';

/** The environment for byline: --data is given, so BYLINE_DATA must not matter. */
function childEnv() {
  const env = { ...process.env };
  delete env.BYLINE_DATA;
  return env;
}

/** A running `byline serve`. */
export class Server {
  /** Starts `bin --data dataDir serve --no-sample --listen 127.0.0.1:0`. */
  constructor(bin, dataDir) {
    this.out = [];
    this.err = [];
    this.exited = null;
    this.waiters = [];
    this.child = spawn(bin, ['--data', dataDir, 'serve', '--no-sample', '--listen', '127.0.0.1:0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: childEnv(),
    });
    const wake = () => {
      for (const w of [...this.waiters]) w.check();
    };
    readline.createInterface({ input: this.child.stdout }).on('line', (line) => {
      this.out.push(line);
      wake();
    });
    readline.createInterface({ input: this.child.stderr }).on('line', (line) => {
      this.err.push(line);
      if (this.err.length > 400) this.err.shift();
    });
    this.child.on('exit', (code, signal) => {
      this.exited = { code, signal };
      wake();
    });
    this.child.on('error', (error) => {
      this.exited = { error };
      wake();
    });
  }

  /** The first stdout line matching `re` (as its match), waiting at most `ms`. */
  line(re, ms, what) {
    return new Promise((resolve, reject) => {
      const w = {
        check: () => {
          const line = this.out.find((l) => re.test(l));
          if (line !== undefined) return done(() => resolve(line.match(re)));
          if (this.exited) {
            const how = this.exited.error
              ? `could not start: ${this.exited.error.message}`
              : `exited (code ${this.exited.code}, signal ${this.exited.signal})`;
            return done(() => reject(new Error(`the server ${how} before printing ${what}`)));
          }
        },
      };
      const timer = setTimeout(() => done(() => reject(new Error(`no ${what} from the server within ${ms} ms`))), ms);
      const done = (settle) => {
        clearTimeout(timer);
        this.waiters.splice(this.waiters.indexOf(w), 1);
        settle();
      };
      this.waiters.push(w);
      w.check();
    });
  }

  /** The base URL, once the server says it is serving `dataDir`. */
  async base(dataDir, ms) {
    const [, served, base] = await this.line(
      /^byline is serving (.+) at (http:\/\/127\.0\.0\.1:\d+\/)$/,
      ms,
      'its "byline is serving" line',
    );
    if (served !== dataDir) throw new Error(`the server serves ${served}, not ${dataDir}`);
    return base;
  }

  /** Stops it at once (for a signal handler). */
  kill() {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  /** SIGTERM, then SIGKILL if it has not stopped after five seconds. */
  async stop() {
    if (this.exited) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.exited || this.child.kill('SIGKILL'), 5_000);
    await Promise.race([exited, new Promise((r) => setTimeout(r, 8_000))]);
    clearTimeout(timer);
  }
}

/** Runs `bin args…` with `stdin`; resolves with its output, rejects on failure or after `ms`. */
export function cli(bin, args, stdin, ms) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'], env: childEnv() });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`byline ${args.join(' ')} did not finish within ${ms} ms`));
    }, ms);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve({ out, err });
      else reject(new Error(`byline ${args.join(' ')} exited with ${code}:\n${err}${out}`));
    });
    child.stdin.end(stdin);
  });
}
