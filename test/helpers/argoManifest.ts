/** The parts of an exported Argo Workflow the tests read, typed (the exporter builds plain objects). */
export interface Param {
  name: string;
  value?: string;
  default?: string;
  valueFrom?: { path?: string; parameter?: string; default?: string };
}

export interface Task {
  name: string;
  template: string;
  arguments?: { parameters: Param[] };
  depends?: string;
  when?: string;
  withItems?: unknown[];
  withParam?: string;
  continueOn?: { failed?: boolean; error?: boolean };
}

export interface Template {
  name: string;
  inputs?: { parameters: Param[] };
  outputs?: { parameters: Param[] };
  dag?: { failFast?: boolean; tasks: Task[] };
  container?: { image: string; command: string[]; args?: string[]; env: { name: string; value: string }[] };
  retryStrategy?: Record<string, unknown>;
  activeDeadlineSeconds?: string;
  synchronization?: Record<string, unknown>;
}

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { generateName: string; annotations: Record<string, string> };
  spec: { entrypoint: string; parallelism?: number; arguments?: { parameters: Param[] }; templates: Template[] };
}

export function manifest(workflow: Record<string, unknown>): Manifest {
  return workflow as unknown as Manifest;
}

export function template(wf: Manifest, name: string): Template {
  const found = wf.spec.templates.find((t) => t.name === name);
  if (!found) throw new Error(`no template ${name} in ${wf.spec.templates.map((t) => t.name).join(', ')}`);
  return found;
}

export function task(wf: Manifest, name: string, dag = wf.spec.entrypoint): Task {
  const found = template(wf, dag).dag?.tasks.find((t) => t.name === name);
  if (!found) throw new Error(`no task ${name} in ${dag}`);
  return found;
}

/** A task's arguments as name → value. */
export function args(t: Task): Record<string, string | undefined> {
  return Object.fromEntries((t.arguments?.parameters ?? []).map((p) => [p.name, p.value]));
}

/** The template a task runs. */
export function taskTemplate(wf: Manifest, name: string, dag = wf.spec.entrypoint): Template {
  return template(wf, task(wf, name, dag).template);
}
