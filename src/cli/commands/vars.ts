import { NotFoundError, ValidationError } from '../../core/errors.js';
import { didYouMean } from '../../core/similar.js';
import { VariableRepository } from '../../store/variables.js';
import { withStore } from '../context.js';
import { ago, dim, table } from '../format.js';
import type { Subcommand } from './types.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A value as typed: JSON when it parses (numbers, true, lists), else the text itself. */
function parseValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export const varsCommand: Subcommand = {
  name: 'vars',
  usage: 'baton vars [ls | get NAME | set NAME VALUE | rm NAME] [--json]',
  summary: 'cross-workflow variables, read in plans as ${{ store.NAME }}',
  async run(args, opts) {
    const [action = 'ls', name, ...rest] = args;
    if (!['ls', 'get', 'set', 'rm'].includes(action)) {
      const hint = didYouMean(action, ['ls', 'get', 'set', 'rm']);
      throw new ValidationError(`unknown vars action "${action}"${hint ? ` (${hint})` : ''}`, [], 'baton vars ls | get NAME | set NAME VALUE | rm NAME');
    }
    if (action !== 'ls' && (name === undefined || !NAME.test(name))) {
      throw new ValidationError(`baton vars ${action} needs a NAME of letters, digits and _`, [], 'e.g. baton vars set prod_model 3');
    }
    return withStore(opts.dir, action === 'set', async (store) => {
      const vars = new VariableRepository(store);
      const key = name ?? '';
      if (action === 'set') {
        if (rest.length === 0) throw new ValidationError(`baton vars set ${key} needs a VALUE`);
        vars.set(key, parseValue(rest.join(' ')), null);
        return Promise.resolve(0);
      }
      if (action === 'rm') {
        if (!vars.remove(key)) throw new NotFoundError(`no variable "${key}"`);
        return Promise.resolve(0);
      }
      if (action === 'get') {
        const row = vars.get(key);
        if (!row) {
          const hint = didYouMean(key, vars.list().map((r) => r.name));
          throw new NotFoundError(`no variable "${key}"${hint ? ` (${hint})` : ''}`, 'set it with baton vars set NAME VALUE, or export it from a step');
        }
        process.stdout.write(`${opts.json ? JSON.stringify(row.value) : show(row.value)}\n`);
        return Promise.resolve(0);
      }
      const rows = vars.list();
      if (opts.json) process.stdout.write(`${JSON.stringify(Object.fromEntries(rows.map((r) => [r.name, r.value])))}\n`);
      else if (rows.length === 0) process.stdout.write('no variables yet: baton vars set NAME VALUE, or export: in a plan step\n');
      else process.stdout.write(`${table(['name', 'value', 'set by', 'when'], rows.map((r) => [r.name, show(r.value), r.runId ? `run ${r.runId}` : dim('by hand'), ago(r.updatedAt)]))}\n`);
      return Promise.resolve(0);
    });
  },
};
