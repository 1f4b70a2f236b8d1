import { describe, expect, it } from 'vitest';
import { formatByteSize, parseByteSize } from '../../src/core/byteSize.js';

describe('sizes', () => {
  it('reads binary units, any case, with or without a space, and bare bytes', () => {
    expect(parseByteSize('512KB')).toBe(512 * 1024);
    expect(parseByteSize('100 mb')).toBe(100 * 1024 * 1024);
    expect(parseByteSize('1.5GiB')).toBe(1.5 * 1024 ** 3);
    expect(parseByteSize(4096)).toBe(4096);
    expect(parseByteSize('2048b')).toBe(2048);
  });

  it('says how to write one when it cannot read it', () => {
    for (const bad of ['lots', '10 parsecs', '-1MB', '', '1e3KB']) expect(() => parseByteSize(bad, 'logLimit')).toThrow(/^logLimit: ".*" is not a size \(write it like 512KB, 100MB or 1GB\)$/);
  });

  it('writes whole units, and bytes otherwise', () => {
    expect(formatByteSize(100 * 1024 * 1024)).toBe('100 MB');
    expect(formatByteSize(1024 ** 4)).toBe('1 TB');
    expect(formatByteSize(1536)).toBe('1536 bytes');
  });
});
