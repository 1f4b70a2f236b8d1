import { describe, expect, it } from 'vitest';
import { complete, findSlashCommand, parseSlashCommand } from '../../src/ui/commands/index.js';

describe('slash commands', () => {
  it('parses a command and its arguments; plain text is not a command', () => {
    expect(parseSlashCommand('/plan train a model on iris')).toEqual({ name: 'plan', args: 'train a model on iris' });
    expect(parseSlashCommand('/HELP')).toEqual({ name: 'help', args: '' });
    expect(parseSlashCommand('train a model')).toBeUndefined();
  });

  it('finds commands by name or alias, and suggests one for a typo', () => {
    expect('command' in findSlashCommand('exit') && findSlashCommand('exit')).toMatchObject({ command: { name: 'quit' } });
    expect(findSlashCommand('stauts')).toEqual({ error: 'unknown command /stauts (did you mean "/status"?); /help lists them' });
  });

  it('completes a partial command on Tab', () => {
    expect(complete('/ru')).toEqual(['/run', '/runs']);
    expect(complete('/qu')).toEqual(['/quit']);
    expect(complete('/plan x')).toEqual([]);
  });
});
