import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';

/**
 * A buffered, back-pressure-aware text file writer that appears under its final name only when
 * closed (it writes `<path>.tmp` first). For side files such as the rejected-rows report.
 */
export class TextSink {
  private readonly out: WriteStream;
  // Encoded at once: pending text would be slices of whole read chunks and keep them all alive.
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly opened: Promise<void>;

  constructor(private readonly path: string) {
    this.out = createWriteStream(`${path}.tmp`, { flags: 'w' });
    this.opened = new Promise<void>((resolve, reject) => {
      this.out.once('open', () => resolve());
      this.out.once('error', reject);
    });
  }

  /** Appends text; flushes (and waits for the disk) once 256 KB are buffered. */
  async write(text: string): Promise<void> {
    if (text === '') return;
    const buf = Buffer.from(text, 'utf8');
    this.pending.push(buf);
    this.pendingBytes += buf.length;
    if (this.pendingBytes >= 256 * 1024) await this.flush();
  }

  private async flush(): Promise<void> {
    await this.opened;
    if (this.pendingBytes === 0) return;
    const ok = this.out.write(Buffer.concat(this.pending, this.pendingBytes));
    this.pending = [];
    this.pendingBytes = 0;
    if (!ok) await new Promise<void>((resolve) => this.out.once('drain', () => resolve()));
  }

  /** Writes what is left and moves the file to its final name. */
  async close(): Promise<string> {
    await this.flush();
    await new Promise<void>((resolve, reject) => {
      this.out.once('error', reject);
      this.out.end(() => resolve());
    });
    await rename(`${this.path}.tmp`, this.path);
    return this.path;
  }

  /** Drops the file (after an error). */
  async discard(): Promise<void> {
    this.out.destroy();
    await rm(`${this.path}.tmp`, { force: true });
  }
}
