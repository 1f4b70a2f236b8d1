import { describe, expect, it } from 'vitest';
import { parseOutputs, parseProtocolLine } from '../../src/core/stepProtocol.js';

describe('parseProtocolLine', () => {
  it('reads progress with a total and a message', () => {
    expect(parseProtocolLine('::progress 3/10 fold 3')).toEqual({ kind: 'progress', current: 3, total: 10, message: 'fold 3' });
  });

  it('reads a bare number as a percentage', () => {
    expect(parseProtocolLine('::progress 42')).toEqual({ kind: 'progress', current: 42, total: 100 });
  });

  it('accepts spaces around the slash, decimals and a trailing newline', () => {
    expect(parseProtocolLine('::progress 1.5 / 3 loading rows\r')).toEqual({ kind: 'progress', current: 1.5, total: 3, message: 'loading rows' });
  });

  it('reads notices, warnings and errors', () => {
    expect(parseProtocolLine('::warning x')).toEqual({ kind: 'message', level: 'warning', text: 'x' });
    expect(parseProtocolLine('::notice model saved to models/rf.json')).toEqual({ kind: 'message', level: 'notice', text: 'model saved to models/rf.json' });
    expect(parseProtocolLine('::error')).toEqual({ kind: 'message', level: 'error', text: '' });
  });

  it('leaves ordinary output alone', () => {
    for (const line of ['epoch 3/10 loss=0.2', '', ' ::warning indented', 'progress 3/10', '::progress', '::progress many', '::debug x', '::warningx']) {
      expect(parseProtocolLine(line)).toBeUndefined();
    }
  });
});

describe('parseOutputs', () => {
  it('reads key=value lines with numbers and booleans typed', () => {
    const text = 'accuracy=0.93\nrows=1000\nneg=-2\nsci=1e-3\npassed=true\nstale=false\nmodel=models/rf.json\n';
    expect(parseOutputs(text)).toEqual({ accuracy: 0.93, rows: 1000, neg: -2, sci: 0.001, passed: true, stale: false, model: 'models/rf.json' });
  });

  it('keeps the rest of a line after the first = as the value', () => {
    expect(parseOutputs('url=https://x.test/?a=1&b=2\nempty=')).toEqual({ url: 'https://x.test/?a=1&b=2', empty: '' });
  });

  it('keeps version-like and mixed text as strings', () => {
    expect(parseOutputs('version=1.2.3\nid=abc123\nyes=True')).toEqual({ version: '1.2.3', id: 'abc123', yes: 'True' });
  });

  it('skips blank lines and # comments, and lets a later line win', () => {
    expect(parseOutputs('# written by train.py\n\nrows=1\nrows=2\r\n')).toEqual({ rows: 2 });
  });

  it('reads a multi-line value from a heredoc block', () => {
    const text = 'notes<<EOF\nline one\nline two = not a key\n\nEOF\nrows=3\n';
    expect(parseOutputs(text)).toEqual({ notes: 'line one\nline two = not a key\n', rows: 3 });
  });

  it('reads a whole JSON object, keeping its types', () => {
    expect(parseOutputs('  {"accuracy": 0.9, "classes": ["a", "b"], "ok": true}\n')).toEqual({ accuracy: 0.9, classes: ['a', 'b'], ok: true });
  });

  it('refuses a JSON array as JSON that is not an object', () => {
    expect(() => parseOutputs('[1, 2, 3]')).toThrow('the output file holds JSON that is not an object');
    // An array whose text happens to contain "=" must not turn into a strange key.
    expect(() => parseOutputs('["rows=3"]')).toThrow('the output file holds JSON that is not an object');
  });

  it('refuses broken JSON', () => {
    expect(() => parseOutputs('{"accuracy": ')).toThrow();
  });

  it('refuses a line that is not key=value, naming its line number', () => {
    expect(() => parseOutputs('rows=3\nthis is not an output\n')).toThrow('output line 2 is not key=value: "this is not an output"');
    expect(() => parseOutputs('=3')).toThrow(/output line 1/);
  });

  it('is empty for an empty file', () => {
    expect(parseOutputs('')).toEqual({});
    expect(parseOutputs('\n  \n')).toEqual({});
  });
});
