import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort, until } from './processes.js';

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

/**
 * A private Mosquitto on a free port, with persistence in a temp folder, that a test may stop
 * and start again (the shared broker on 1883 must never be stopped by a test).
 */
export class PrivateMosquitto {
  private child: ChildProcess | null = null;
  private readonly dir = mkdtempSync(join(tmpdir(), 'wachsam-mqtt-'));

  private constructor(readonly port: number) {
    writeFileSync(
      join(this.dir, 'mosquitto.conf'),
      [
        `listener ${port} 127.0.0.1`,
        'allow_anonymous true',
        // Run as whoever runs the test: as root Mosquitto would switch to the user "mosquitto",
        // which cannot write the persistence file into this private folder.
        `user ${userInfo().username}`,
        'persistence true',
        `persistence_location ${this.dir}/`,
        'autosave_interval 1',
        '',
      ].join('\n'),
    );
  }

  static async start(): Promise<PrivateMosquitto> {
    const m = new PrivateMosquitto(await freePort());
    await m.start();
    return m;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn('mosquitto', ['-c', join(this.dir, 'mosquitto.conf')], { stdio: 'ignore' });
    this.child = child;
    child.on('exit', () => {
      if (this.child === child) this.child = null;
    });
    await until(`mosquitto on ${this.port}`, () => portOpen(this.port), 15_000);
  }

  /** Stop like a service restart (SIGTERM: sessions are saved to the persistence file). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    this.child = null;
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
