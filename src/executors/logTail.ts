import { closeSync, fstatSync, openSync, readSync, type BigIntStats } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/** Longest stdout line parsed for `::` commands; longer lines stay whole in the log. */
export const LINE_LIMIT = 64 * 1024;
const READ_CHUNK = 256 * 1024;
/** Further behind than this, a live tail skips to the last LIVE_BACKLOG bytes: a flood's middle is not worth reading. */
const MAX_BACKLOG = 8 * 1024 * 1024;
const LIVE_BACKLOG = 1024 * 1024;
/**
 * One read buffer for every tail: reads are synchronous and each is decoded before the next, so
 * hundreds of short steps cost no 256 KB allocation (and no garbage) each.
 */
const SHARED = Buffer.allocUnsafe(READ_CHUNK);

/**
 * Follows a step's log file from where it last read and hands over complete lines. Reads are
 * bounded per call, so a step printing a flood costs baton a fixed amount of work per tick, and so
 * is what it holds: a line longer than LINE_LIMIT is handed over cut and the rest of it skipped, so
 * a step printing megabytes without a newline costs no more memory than one printing short lines.
 * Bytes that are not UTF-8 arrive as U+FFFD; the log file itself keeps them as they were.
 */
export class LogTail {
  private fd: number | undefined;
  private offset = 0;
  private carry = '';
  /** In the middle of an overlong line whose start was already handed over. */
  private skipping = false;
  private readonly decoder = new StringDecoder('utf8');

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
    if (maxBytes !== Infinity) {
      const size = fstatSync(this.fd).size;
      if (size - this.offset > MAX_BACKLOG) this.skipTo(size - LIVE_BACKLOG);
    }
    let total = 0;
    while (total < maxBytes) {
      const n = readSync(this.fd, SHARED, 0, Math.min(READ_CHUNK, maxBytes - total), this.offset);
      if (n <= 0) {
        // The mask filter drops its last byte (logMask.ts): never read past the end.
        const size = fstatSync(this.fd).size;
        if (size < this.offset) this.offset = size;
        break;
      }
      this.offset += n;
      total += n;
      this.feed(this.decoder.write(SHARED.subarray(0, n)));
    }
    return total;
  }

  /** Reads the rest (past `maxBytes` of it, the middle of a flood is skipped) and closes. */
  finish(maxBytes = 4 * 1024 * 1024): void {
    try {
      this.fd ??= openSync(this.path, 'r');
      const size = fstatSync(this.fd).size;
      if (size - this.offset > maxBytes) this.skipTo(size - maxBytes);
      this.poll(Infinity);
      closeSync(this.fd);
    } catch {
      // No log at all: the step never started.
    }
    this.fd = undefined;
    const rest = this.carry + this.decoder.end();
    this.carry = '';
    if (rest && !this.skipping) this.onLine(rest.slice(0, LINE_LIMIT));
    this.skipping = false;
  }

  /** How far it has read. */
  get position(): number {
    return this.offset;
  }

  /** The log's size, allocated bytes and inode, while it is open. */
  stat(): BigIntStats | undefined {
    try {
      return this.fd === undefined ? undefined : fstatSync(this.fd, { bigint: true });
    } catch {
      return undefined;
    }
  }

  /** Mid-line, most likely: what comes before the next newline is no line of its own. */
  private skipTo(offset: number): void {
    this.offset = offset;
    this.carry = '';
    this.skipping = true;
  }

  private feed(text: string): void {
    let start = 0;
    if (this.skipping) {
      const nl = text.indexOf('\n');
      if (nl < 0) return;
      this.skipping = false;
      start = nl + 1;
    }
    const lines = (this.carry + text.slice(start)).split('\n');
    this.carry = lines.pop() ?? '';
    for (const line of lines) this.onLine(line.length > LINE_LIMIT ? line.slice(0, LINE_LIMIT) : line);
    if (this.carry.length > LINE_LIMIT) {
      this.onLine(this.carry.slice(0, LINE_LIMIT));
      this.carry = '';
      this.skipping = true;
    }
  }
}
