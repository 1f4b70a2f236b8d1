import { Box, Static, Text, useApp, useInput, useStdout } from 'ink';
import TextInput from 'ink-text-input';
import { useEffect, useRef, useState } from 'react';
import { errorMessage, isBatonError } from '../core/errors.js';
import { complete, findSlashCommand, parseSlashCommand } from './commands/index.js';
import type { CommandResult } from './commands/types.js';
import type { RunEvent } from '../core/events.js';
import type { RunState } from '../core/runState.js';
import type { Proposal, SessionController } from './controller.js';
import { initialLive, liveReducer, type LiveState } from './live/liveState.js';
import { LiveView } from './live/LiveView.js';

interface Item {
  id: number;
  kind: 'user' | 'info' | 'error' | 'plan' | 'summary';
  text: string;
}

type Mode = { kind: 'input' } | { kind: 'confirm'; proposal: Required<Proposal> } | { kind: 'running' } | { kind: 'busy' };

const PREFIX: Record<Item['kind'], string> = { user: '› ', info: '', error: '✖ ', plan: '', summary: '' };
const COLOR: Partial<Record<Item['kind'], string>> = { user: 'cyan', error: 'red' };

/**
 * The REPL: a transcript of finished items (committed once, in <Static>), and a live region below it
 * that is the input line, a plan waiting for approval, or the live view of a running plan.
 */
export function App({ controller }: { controller: SessionController }) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const [items, setItems] = useState<Item[]>(() => [
    ...controller.restored.map((m, i): Item => ({ id: -1 - i, kind: m.role === 'user' ? 'user' : 'summary', text: m.content })),
    { id: 0, kind: 'info', text: `Baton in ${controller.project.dir}${controller.restored.length ? ` (session ${controller.sessionId} continued)` : ''}. Type a request in plain English, or /help.` },
  ]);
  const [mode, setMode] = useState<Mode>({ kind: 'input' });
  const [input, setInput] = useState('');
  const [live, setLive] = useState<LiveState | undefined>();
  const history = useRef<string[]>(controller.loadHistory());
  useEffect(() => {
    controller.interruptedRuns().then(
      (runs) => {
        for (const r of runs) add('info', `run ${r.id} was interrupted at ${r.at}: /resume ${r.id} to continue`);
      },
      () => undefined,
    );
    // Once, at launch.
  }, []);
  const interrupts = useRef(0);
  const cursor = useRef(-1);
  const nextId = useRef(1);

  const add = (kind: Item['kind'], text: string) => {
    const id = nextId.current++;
    setItems((xs) => [...xs, { id, kind, text }]);
  };

  const propose = (text: string, askToRun: boolean) => {
    let proposal: Proposal;
    try {
      proposal = controller.propose(text);
    } catch (e) {
      add('error', isBatonError(e) ? `${e.message}${e.hint ? `\n  ${e.hint}` : ''}` : errorMessage(e));
      return;
    }
    add('plan', proposal.text);
    if (askToRun && proposal.plan) setMode({ kind: 'confirm', proposal: proposal as Required<Proposal> });
  };

  const startRun = (proposal: Required<Proposal> | { resume: string | undefined }) => {
    setMode({ kind: 'running' });
    let state: LiveState | undefined;
    const pending = new Map<string, string[]>();
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      timer = undefined;
      if (!state) return;
      for (const [step, lines] of pending) state = liveReducer(state, { type: 'lines', step, lines });
      pending.clear();
      setLive(liveReducer(state, { type: 'tick', now: Date.now() }));
    };
    const schedule = () => {
      timer ??= setTimeout(flush, 33);
    };
    const watch = {
      event: (e: RunEvent, run: RunState) => {
        state = liveReducer(state ?? initialLive(run), { type: 'event', event: e, run });
        schedule();
      },
      output: (step: string, line: string) => {
        const lines = pending.get(step);
        if (lines) lines.push(line);
        else pending.set(step, [line]);
        schedule();
      },
    };
    ('resume' in proposal ? controller.resume(proposal.resume, watch) : controller.run(proposal.plan, watch))
      .then(
        ({ summary }) => {
          clearTimeout(timer);
          setLive(undefined);
          add('summary', summary);
          void controller.record('baton', summary);
          interrupts.current = 0;
          setMode({ kind: 'input' });
        },
        (e: unknown) => {
          clearTimeout(timer);
          setLive(undefined);
          add('error', errorMessage(e));
          setMode({ kind: 'input' });
        },
      );
  };

  const apply = (result: CommandResult) => {
    if (result.kind === 'message') add('info', result.text);
    else if (result.kind === 'plan') propose(result.request, result.run);
    else if (result.kind === 'resume') startRun({ resume: result.run });
    else if (result.kind === 'clear') setItems([]);
    else exit();
  };

  const submit = (raw: string) => {
    const text = raw.trim();
    setInput('');
    cursor.current = -1;
    if (!text) return;
    history.current = [text, ...history.current.filter((h) => h !== text)].slice(0, 500);
    controller.saveHistory(history.current);
    add('user', text);
    void controller.record('user', text);
    const slash = parseSlashCommand(text);
    if (!slash) {
      propose(text, true);
      return;
    }
    const found = findSlashCommand(slash.name);
    if ('error' in found) {
      add('error', found.error);
      return;
    }
    setMode({ kind: 'busy' });
    Promise.resolve(found.command.action(slash.args, controller)).then(
      (r) => {
        setMode({ kind: 'input' });
        apply(r);
      },
      (e: unknown) => {
        setMode({ kind: 'input' });
        add('error', isBatonError(e) ? e.message : errorMessage(e));
      },
    );
  };

  useInput((ch, key) => {
    if (key.ctrl && ch === 'c') {
      interrupts.current++;
      if (mode.kind === 'running') {
        // The first Ctrl-C cancels the run cleanly (it can be resumed); the next kills it.
        const hard = interrupts.current > 1;
        controller.cancel(hard);
        add('info', hard ? 'killing the run now' : `cancelling run ${controller.runId ?? ''}: its steps are stopped and it can be resumed (baton resume ${controller.runId ?? 'RUN'}); Ctrl-C again kills at once`);
      } else if (mode.kind === 'confirm') {
        add('info', 'not run');
        setMode({ kind: 'input' });
        interrupts.current = 0;
      } else if (input) {
        setInput('');
        interrupts.current = 0;
      } else if (interrupts.current > 1) exit();
      else add('info', 'press Ctrl-C again to quit (or type /quit)');
      return;
    }
    interrupts.current = 0;
    if (mode.kind === 'confirm') {
      if (ch === 'y' || ch === 'Y' || key.return) startRun(mode.proposal);
      else if (ch === 'n' || ch === 'N' || key.escape) {
        add('info', 'not run');
        setMode({ kind: 'input' });
      }
      return;
    }
    if (mode.kind !== 'input') return;
    if (key.ctrl && ch === 'd') exit();
    else if (key.upArrow && history.current.length) {
      cursor.current = Math.min(history.current.length - 1, cursor.current + 1);
      setInput(history.current[cursor.current] ?? '');
    } else if (key.downArrow) {
      cursor.current = Math.max(-1, cursor.current - 1);
      setInput(cursor.current < 0 ? '' : (history.current[cursor.current] ?? ''));
    } else if (key.tab) {
      const options = complete(input);
      if (options.length === 1) setInput(`${options[0] ?? ''} `);
      else if (options.length > 1) add('info', options.join('  '));
    }
  });

  return (
    <>
      <Static items={items}>
        {(item) => (
          <Text key={item.id} color={COLOR[item.kind]}>
            {PREFIX[item.kind]}
            {item.text}
          </Text>
        )}
      </Static>
      {mode.kind === 'running' && live ? <LiveView live={live} columns={stdout.columns || 100} rows={Math.max(10, (stdout.rows || 30) - 2)} maxPanes={controller.project.config.config.parallel} /> : null}
      {mode.kind === 'confirm' ? (
        <Text>
          Run it? <Text bold>(y)</Text>es / <Text bold>(n)</Text>o
        </Text>
      ) : null}
      {mode.kind === 'input' ? (
        <Box>
          <Text color="cyan">› </Text>
          <TextInput value={input} onChange={setInput} onSubmit={submit} placeholder="train a random forest on iris, then evaluate it" />
        </Box>
      ) : null}
    </>
  );
}
