import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/** Longest stdout line parsed for `::` commands; longer lines stay whole in the log. */
export const LINE_LIMIT = 64 * 1024;
const READ_CHUNK = 256 * 1024;

/**
 * Follows a step's log file from where it last read and hands over complete lines. Reads are
 * bounded per call, so a step printing a flood costs baton a fixed amount of work per tick.
 */
export class LogTail {
  private fd: number | undefined;
  private offset = 0;
  private carry = '';
  private readonly decoder = new StringDecoder('utf8');
  private readonly buffer = Buffer.allocUnsafe(READ_CHUNK);

  constructor(
    private readonly path: string,
    private readonly onLine: (line: string) => void,
  ) {}

  /** Reads what is new, at most `maxBytes`; returns how many bytes it read. */
  poll(maxBytes = READ_CHUNK): number {
    try {
      this.fd ??= openSync(this.path, 'r');
    } catch {
      return 0;
    }
    let total = 0;
    while (total < maxBytes) {
      const n = readSync(this.fd, this.buffer, 0, Math.min(READ_CHUNK, maxBytes - total), this.offset);
      if (n <= 0) break;
      this.offset += n;
      total += n;
      this.feed(this.decoder.write(this.buffer.subarray(0, n)));
    }
    return total;
  }

  /** Reads the rest (past `maxBytes` of it, the middle of a flood is skipped) and closes. */
  finish(maxBytes = 4 * 1024 * 1024): void {
    try {
      this.fd ??= openSync(this.path, 'r');
      const size = fstatSync(this.fd).size;
      if (size - this.offset > maxBytes) {
        this.offset = size - maxBytes;
        this.carry = '';
      }
      this.poll(Infinity);
      closeSync(this.fd);
    } catch {
      // No log at all: the step never started.
    }
    this.fd = undefined;
    const rest = this.carry + this.decoder.end();
    this.carry = '';
    if (rest) this.onLine(rest.slice(0, LINE_LIMIT));
  }

  private feed(text: string): void {
    const lines = (this.carry + text).split('\n');
    this.carry = lines.pop() ?? '';
    if (this.carry.length > LINE_LIMIT) this.carry = '';
    for (const line of lines) this.onLine(line.length > LINE_LIMIT ? line.slice(0, LINE_LIMIT) : line);
  }
}
