/**
 * The chaos plan: 20 steps that run processes, in parallel branches, a forEach, a step that fails
 * once and is retried, and a nested template. Each step sleeps a little (0.1 to 0.4 s, fixed per
 * step) and then, as its last act, appends one line to `effects` naming itself, its attempt and
 * its item: `<step> <attempt> ok|fail [item]`. A step that ran twice shows up as two lines.
 */

/** The file the steps append to, in the project folder. */
export const EFFECTS = 'effects';

/** A sleep between 0.10 and 0.40 s, the same for a step id on every run. */
export function sleepFor(id: string): string {
  let h = 2166136261;
  for (const c of id) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return (0.1 + (h % 31) / 100).toFixed(2);
}

const effect = (verdict: 'ok' | 'fail') => `echo "$BATON_STEP_ID $BATON_ATTEMPT ${verdict} $BATON_ITEM" >> "$BATON_PROJECT_DIR/${EFFECTS}"`;

function step(id: string, needs: string[], sleepKey = id): string {
  const run = `sleep ${sleepFor(sleepKey)}; ${effect('ok')}`;
  return `  - id: ${id}\n    run: [sh, -c, '${run}']\n${needs.length ? `    needs: [${needs.join(', ')}]\n` : ''}`;
}

/** Fails on its first attempt that gets as far as its side effect (a marker file says so), succeeds after. */
function flaky(id: string, needs: string[]): string {
  const marker = '"$BATON_PROJECT_DIR/flaky.marker"';
  const run = `sleep ${sleepFor(id)}; if [ -e ${marker} ]; then ${effect('ok')}; else : > ${marker}; ${effect('fail')}; exit 1; fi`;
  return `  - id: ${id}\n    run: [sh, -c, '${run}']\n    needs: [${needs.join(', ')}]\n    retry: 2\n`;
}

export const FOREACH_ITEMS = ['red', 'green', 'blue', 'cyan', 'gold'];

/** The nested workflow, in `.baton/templates/trio.yaml`. */
export const TEMPLATE = `name: trio\nsteps:\n${step('one', [])}${step('two', ['one'])}${step('three', ['one'])}`;

export const PLAN =
  'name: chaos\nsteps:\n' +
  step('prep', []) +
  step('a1', ['prep']) + step('a2', ['a1']) + step('a3', ['a2']) +
  step('b1', ['prep']) + step('b2', ['b1']) + step('b3', ['b2']) +
  `  - id: sweep\n    forEach: [${FOREACH_ITEMS.join(', ')}]\n    run: [sh, -c, 'sleep ${sleepFor('sweep')}; ${effect('ok')}']\n    needs: [prep]\n` +
  flaky('flaky', ['prep']) +
  '  - id: tpl\n    uses: trio\n    needs: [prep]\n' +
  step('join', ['a3', 'b3', 'sweep', 'flaky', 'tpl']) +
  step('c1', ['join']) + step('c2', ['join']) +
  step('final', ['c1', 'c2']);

/** The steps that run a process, as the store names them. */
export const LEAF_STEPS = [
  'prep', 'a1', 'a2', 'a3', 'b1', 'b2', 'b3',
  ...FOREACH_ITEMS.map((_, i) => `sweep[${i}]`),
  'flaky', 'tpl.one', 'tpl.two', 'tpl.three', 'join', 'c1', 'c2', 'final',
];

/** Every row the steps table should hold at the end, the forEach and `uses` steps included. */
export const ALL_STEPS = [...LEAF_STEPS, 'sweep', 'tpl'];

/** The project's files. */
export function chaosFiles(): Record<string, string> {
  return { 'plan.yaml': PLAN, '.baton/templates/trio.yaml': TEMPLATE };
}
