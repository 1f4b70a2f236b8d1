import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { formatDuration, parseDuration } from '../../src/core/duration.js';
import { thrown } from './helpers.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['10m', 600_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    ['1h 30m 15s', 5_415_000],
    ['1.5s', 1500],
    ['  45s ', 45_000],
    ['90', 90_000],
    ['0.25', 250],
    ['0s', 0],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('reads a number as seconds', () => {
    expect(parseDuration(2)).toBe(2000);
    expect(parseDuration(0.5)).toBe(500);
    expect(parseDuration(0)).toBe(0);
  });

  it.each(['10 parsecs', '', 'soon', '-5s', '5x', 'm10', '10s later', '1.5.5s'])(
    'refuses %j, naming the field and showing the accepted forms',
    (text) => {
      const e = thrown(() => parseDuration(text, 'step "train".timeout'));
      expect(e).toBeInstanceOf(ValidationError);
      expect(e.message).toBe(`step "train".timeout: "${text}" is not a duration (write it like 500ms, 30s, 10m or 1h30m)`);
    },
  );

  it('refuses negative and non-finite numbers', () => {
    expect(() => parseDuration(-1, 'killGrace')).toThrow('killGrace: -1 is not a duration');
    expect(() => parseDuration(Number.POSITIVE_INFINITY)).toThrow(ValidationError);
    expect(() => parseDuration(Number.NaN)).toThrow(ValidationError);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [250, '250ms'],
    [1000, '1.0s'],
    [12_345, '12.3s'],
    [60_000, '1m00s'],
    [125_000, '2m05s'],
    [3_600_000, '1h00m'],
    [5_415_000, '1h30m'],
  ])('shows %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('never shows 60.0s: a duration that rounds up to a minute is shown in minutes', () => {
    expect(formatDuration(59_960)).toBe('1m00s');
  });

  it('reads back what it writes for whole minutes and hours', () => {
    for (const ms of [60_000, 125_000, 5_400_000]) expect(parseDuration(formatDuration(ms))).toBe(ms);
  });
});
