import { Writable } from 'node:stream';

/** A pino destination that keeps what is written, one parsed JSON object per line (for tests). */
export class LogCapture extends Writable {
  readonly raw: string[] = [];

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.raw.push(chunk.toString());
    done();
  }

  lines(): Record<string, unknown>[] {
    return this.raw.join('').split('\n').filter((line) => line.length > 0).map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}
