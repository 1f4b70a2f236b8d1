import { Box, Text, useApp, useInput } from 'ink';
import TextInput from 'ink-text-input';
import { useEffect, useRef, useState } from 'react';
import { answerFor, changesPlan, type Question } from './clarify.js';
import { Clarification, clarificationRows } from './Clarification.js';
import { complete, findSlashCommand, parseSlashCommand } from './commands/index.js';
import type { CommandResult } from './commands/types.js';
import type { Proposal, SessionController } from './controller.js';
import { HelpOverlay } from './HelpOverlay.js';
import { commandFor, type KeyCommand, type KeyContext } from './keys.js';
import { LiveView, paneLayout } from './live/LiveView.js';
import { focusable, follow, moveFocus, NO_NAVIGATION, prune, scrollPane, type Navigation } from './live/navigation.js';
import { Transcript, type Item } from './Transcript.js';
import { describeError, useRunner, type Runnable } from './useRunner.js';
import { useTerminalSize } from './useTerminalSize.js';

/** A plan waiting for the user: to be approved, or a question of the planner's to answer. */
type Pending = { kind: 'confirm'; proposal: Runnable } | { kind: 'clarify'; proposal: Proposal; question: Question };

/**
 * The REPL: the transcript (committed once, in <Static>), and below it the live region: the live
 * view of a run, a plan waiting for an answer, and the input line, which stays usable during a run.
 */
export function App({ controller }: { controller: SessionController }) {
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize();
  const [items, setItems] = useState<Item[]>(() => [
    ...controller.restored.map((m, i): Item => ({ id: -1 - i, kind: m.role === 'user' ? 'user' : 'summary', text: m.content })),
    { id: 0, kind: 'info', text: `Baton in ${controller.project.dir}${controller.restored.length ? ` (session ${controller.sessionId} continued)` : ''}. Type a request in plain English, or /help.` },
  ]);
  const [pending, setPending] = useState<Pending | undefined>();
  const [input, setInput] = useState('');
  const [commandBusy, setCommandBusy] = useState(false);
  const [focus, setFocus] = useState<'input' | 'panes'>('input');
  const [overlay, setOverlay] = useState(false);
  const [nav, setNav] = useState<Navigation>(NO_NAVIGATION);
  const history = useRef<string[]>(controller.loadHistory());
  const interrupts = useRef(0);
  /** /quit or Ctrl-D during a run: baton leaves once the run has stopped. */
  const quitting = useRef(false);
  const cursor = useRef(-1);
  const nextId = useRef(1);

  const add = (kind: Item['kind'], text: string) => {
    const id = nextId.current++;
    setItems((xs) => [...xs, { id, kind, text }]);
  };
  const runner = useRunner(controller, add);
  const live = runner.live;
  const targets = live ? focusable(live.panes, live.run) : [];
  const view = prune(nav, targets);

  useEffect(() => {
    controller.interruptedRuns().then(
      (runs) => {
        for (const r of runs) add('info', `run ${r.id} was interrupted at ${r.at}: /resume ${r.id} to continue`);
      },
      () => undefined,
    );
    // Once, at launch.
  }, []);
  useEffect(() => {
    // A run that ended takes its Ctrl-C with it: the next one at the prompt only warns.
    interrupts.current = 0;
    if (!runner.busy && quitting.current) exit();
    else if (!runner.busy) {
      setFocus('input');
      setNav(NO_NAVIGATION);
    }
  }, [runner.busy]);

  /** Shows what the planner made of a request, and what it needs next: an answer, or a yes. */
  const offer = (proposal: Proposal, askToRun: boolean) => {
    add('plan', proposal.text);
    const question = proposal.plan ? proposal.questions.find(changesPlan) : proposal.questions[0];
    if (question) setPending({ kind: 'clarify', proposal, question });
    else if (proposal.plan && askToRun) {
      for (const q of proposal.questions) add('question', q.text);
      setPending({ kind: 'confirm', proposal: proposal as Runnable });
    } else setPending(undefined);
  };

  const plan = (text: string, askToRun: boolean) => {
    try {
      offer(controller.propose(text), askToRun);
    } catch (e) {
      add('error', describeError(e));
    }
  };

  const answer = (p: Extract<Pending, { kind: 'clarify' }>, typed: string) => {
    const a = answerFor(p.question, typed);
    if (a.kind === 'invalid') return add('error', a.message);
    const picked = /^\d+$/.test(typed.trim()) ? p.question.picks[Number(typed.trim()) - 1]?.label : undefined;
    add('question', `${p.question.text} ${picked ?? typed.trim()}`);
    setPending(undefined);
    if (a.kind === 'request') plan(a.text, true);
    else if (a.kind === 'rephrase') setInput(p.proposal.request);
    else if (a.kind === 'accept' && p.proposal.plan) setPending({ kind: 'confirm', proposal: p.proposal as Runnable });
    else if (a.kind === 'arg' || a.kind === 'replace') {
      try {
        offer(controller.answer(p.proposal, a), true);
      } catch (e) {
        add('error', describeError(e));
      }
    }
  };

  /** Leaves now, or, with a run under way, once it is cancelled (it stays resumable), saying so. */
  const leave = () => {
    if (!runner.busy) return exit();
    quitting.current = true;
    const id = controller.runId ?? 'RUN';
    add('info', `leaving once run ${id} has stopped: it is cancelled now and can be resumed later (baton resume ${id}, or /resume in baton)`);
    runner.cancel(false, 'cancelled as baton quit');
  };

  const approve = (p: Runnable) => {
    setPending(undefined);
    runner.run(p);
  };

  /** `/resume ID`: a run to continue, or else a session to go on in (its messages follow). */
  const resume = async (id: string | undefined) => {
    const session = id === undefined ? undefined : await controller.switchSession(id).catch(() => undefined);
    if (!session) return runner.resume(id);
    add('info', `session ${session.id} resumed (${session.messages.length} message${session.messages.length === 1 ? '' : 's'}):`);
    for (const m of session.messages) add(m.role === 'user' ? 'user' : 'summary', m.content);
  };

  const apply = (result: CommandResult) => {
    if (result.kind === 'message') add('info', result.text);
    else if (result.kind === 'plan') plan(result.request, result.run);
    else if (result.kind === 'resume') void resume(result.run);
    else if (result.kind === 'rollback') runner.rollback(result.run, result.to);
    else if (result.kind === 'approve') {
      if (pending?.kind === 'confirm') approve(pending.proposal);
      else add('info', 'no plan is waiting: type a request first');
    } else if (result.kind === 'cancel') {
      if (!runner.cancel(false, 'cancelled by /cancel') && !pending) add('info', 'nothing to cancel');
      if (pending) add('info', 'not run');
      setPending(undefined);
    } else if (result.kind === 'retry') {
      if (runner.busy) add('info', controller.retryStep(result.step));
      else runner.resume(undefined);
    } else if (result.kind === 'clear') setItems([]);
    else leave();
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
    if (pending?.kind === 'clarify' && !slash) return answer(pending, text);
    if (!slash) return plan(text, true);
    const found = findSlashCommand(slash.name);
    if ('error' in found) return add('error', found.error);
    setCommandBusy(true);
    Promise.resolve(found.command.action(slash.args, controller)).then(
      (r) => {
        setCommandBusy(false);
        apply(r);
      },
      (e: unknown) => {
        setCommandBusy(false);
        add('error', describeError(e));
      },
    );
  };

  const onChange = (value: string) => {
    // `?` on an empty line asks for the keys; it is not the start of a request.
    if (input === '' && value === '?') return setOverlay(true);
    // A paste of several lines arrives as one chunk with its line breaks: it stays one request.
    setInput(value.replace(/\r\n?/g, '\n'));
  };

  const interrupt = () => {
    interrupts.current++;
    if (runner.busy && (interrupts.current > 1 || !pending)) {
      // The first Ctrl-C cancels the run cleanly (it can be resumed); the next kills it.
      runner.cancel(interrupts.current > 1);
    } else if (pending) {
      add('info', 'not run');
      setPending(undefined);
      interrupts.current = 0;
    } else if (input) {
      setInput('');
      interrupts.current = 0;
    } else if (interrupts.current > 1) exit();
    else add('info', 'press Ctrl-C again to quit (or type /quit)');
  };

  const layout = live ? paneLayout(live, columns, liveRows(), controller.project.config.config.parallel, view) : undefined;
  const focusedPane = live?.panes.find((p) => p.step === view.focus);

  const act = (command: KeyCommand) => {
    switch (command) {
      case 'interrupt':
        return interrupt();
      case 'quit':
        return leave();
      case 'help':
        return setOverlay(true);
      case 'back':
        return setFocus('input');
      case 'approve':
        return pending?.kind === 'confirm' ? approve(pending.proposal) : undefined;
      case 'reject':
        if (pending) add('info', pending.kind === 'confirm' ? 'not run' : 'question dropped');
        return setPending(undefined);
      case 'edit':
        if (pending) setInput(pending.proposal.request);
        return setPending(undefined);
      case 'historyPrev':
        if (!history.current.length) return;
        cursor.current = Math.min(history.current.length - 1, cursor.current + 1);
        return setInput(history.current[cursor.current] ?? '');
      case 'historyNext':
        cursor.current = Math.max(-1, cursor.current - 1);
        return setInput(cursor.current < 0 ? '' : (history.current[cursor.current] ?? ''));
      case 'complete': {
        if (live && !input.startsWith('/')) {
          setFocus('panes');
          return setNav(moveFocus(view, targets, 1));
        }
        const options = complete(input);
        if (options.length === 1) setInput(`${options[0] ?? ''} `);
        else if (options.length > 1) add('info', options.join('  '));
        return;
      }
      case 'focusNext':
      case 'focusPrev':
        if (!live) return;
        setFocus('panes');
        return setNav(moveFocus(view, targets, command === 'focusNext' ? 1 : -1));
      case 'zoom':
        return setNav({ ...view, zoomed: !view.zoomed && focusedPane !== undefined });
      case 'scrollUp':
      case 'scrollDown':
      case 'pageUp':
      case 'pageDown': {
        if (!focusedPane || !layout) return;
        const page = Math.max(1, layout.lineRows - 1);
        const by = { scrollUp: 1, scrollDown: -1, pageUp: page, pageDown: -page }[command];
        return setNav(scrollPane(view, focusedPane, by, layout.lineRows));
      }
      case 'follow':
        return view.focus ? setNav(follow(view, view.focus)) : undefined;
      case 'cancelStep':
      case 'retryStep':
        if (!view.focus) return add('info', 'Tab to a step first');
        return add('info', command === 'cancelStep' ? controller.cancelStep(view.focus) : controller.retryStep(view.focus));
    }
  };

  const context: KeyContext = pending?.kind === 'confirm' ? 'confirm' : focus === 'panes' && live ? 'panes' : 'input';
  useInput((ch, key) => {
    if (overlay) return setOverlay(false);
    const command = commandFor(ch, key, context);
    if (command !== 'interrupt') interrupts.current = 0;
    // `?` at the input line is read where the line changes: only an empty line means help.
    if (command === undefined || (command === 'help' && context === 'input')) return;
    if (commandBusy && command !== 'interrupt') return;
    act(command);
  });

  /** Rows the live view may take: the terminal less the lines drawn below it. */
  function liveRows(): number {
    const below = 2 + (pending?.kind === 'clarify' ? clarificationRows(pending.question) : pending ? 1 : 0) + (runner.queued.length ? 1 : 0);
    return Math.max(8, rows - below);
  }

  const prompt = live ? (focus === 'panes' ? 'Esc: back to typing · ? keys' : 'a request now is queued after this run · Tab: panes · ? keys') : 'train a random forest on iris, then evaluate it';
  return (
    <>
      <Transcript items={items} />
      {overlay ? <HelpOverlay rows={rows} /> : live ? <LiveView live={live} columns={columns} rows={liveRows()} maxPanes={controller.project.config.config.parallel} nav={view} /> : null}
      {runner.queued.length ? <Text color="gray">queued after this run: {runner.queued.map((q) => q.request.slice(0, 40)).join(' · ')}</Text> : null}
      {pending?.kind === 'clarify' ? <Clarification question={pending.question} /> : null}
      {pending?.kind === 'confirm' ? (
        <Text>
          {runner.busy ? 'Queue it after this run? ' : 'Run it? '}
          <Text bold>(y)</Text>es / <Text bold>(n)</Text>o / <Text bold>(e)</Text>dit
        </Text>
      ) : (
        <Box>
          <Text color={focus === 'panes' && live ? 'gray' : 'cyan'}>› </Text>
          <TextInput value={input} onChange={onChange} onSubmit={submit} focus={!commandBusy && !(focus === 'panes' && live)} placeholder={prompt} />
        </Box>
      )}
    </>
  );
}
