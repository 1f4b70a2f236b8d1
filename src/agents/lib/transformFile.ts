import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { BadInputError } from './errors.js';
import type { FittedMethod } from './featureMake.js';
import type { FittedStep } from './prepSteps.js';

/** Bumped whenever a reader of the old shape would misread the new one. */
export const TRANSFORM_FORMAT = 'baton-transform/1';

interface TransformBase {
  format: typeof TRANSFORM_FORMAT;
  /** The column the transform never touches. */
  target: string;
  /** The columns it writes, in order. */
  columns: string[];
  /** The data it was fitted on, and its rows. */
  fittedOn: string;
  rows: number;
  createdAt: string;
}

/** What preprocess learned: each step with its fitted parameters, applied in order. */
export interface PrepTransform extends TransformBase {
  kind: 'preprocess';
  steps: FittedStep[];
}

/** What features decided: the columns each method builds, and the columns selection dropped. */
export interface FeatureTransform extends TransformBase {
  kind: 'features';
  methods: FittedMethod[];
  removed: string[];
}

export type Transform = PrepTransform | FeatureTransform;

const fittedStep: z.ZodType<FittedStep> = z.discriminatedUnion('step', [
  z.object({ step: z.literal('impute'), strategy: z.enum(['mean', 'median']), fill: z.record(z.string(), z.union([z.number(), z.string()])) }),
  z.object({ step: z.literal('drop-missing') }),
  z.object({ step: z.literal('deduplicate') }),
  z.object({ step: z.literal('encode'), columns: z.array(z.object({ column: z.string(), kind: z.enum(['one-hot', 'ordinal']), levels: z.array(z.string()) })) }),
  z.object({ step: z.literal('scale'), scaler: z.enum(['standard', 'minmax']), columns: z.record(z.string(), z.object({ center: z.number(), scale: z.number() })) }),
  z.object({ step: z.literal('clip-outliers'), factor: z.number(), columns: z.record(z.string(), z.object({ low: z.number(), high: z.number() })) }),
]);
const fittedMethod: z.ZodType<FittedMethod> = z.discriminatedUnion('method', [
  z.object({ method: z.literal('interactions'), pairs: z.array(z.tuple([z.string(), z.string()])) }),
  z.object({ method: z.literal('polynomial'), degree: z.number().int().min(2), columns: z.array(z.string()) }),
  z.object({ method: z.literal('binning'), bins: z.number().int().min(2), edges: z.record(z.string(), z.array(z.number())) }),
  z.object({ method: z.literal('date-parts'), columns: z.array(z.object({ column: z.string(), hour: z.boolean() })) }),
]);
const base = { format: z.literal(TRANSFORM_FORMAT), target: z.string(), columns: z.array(z.string()), fittedOn: z.string(), rows: z.number(), createdAt: z.string() };
const transform: z.ZodType<Transform> = z.discriminatedUnion('kind', [
  z.object({ ...base, kind: z.literal('preprocess'), steps: z.array(fittedStep) }),
  z.object({ ...base, kind: z.literal('features'), methods: z.array(fittedMethod), removed: z.array(z.string()) }),
]);

export function saveTransform(path: string, t: Transform): void {
  writeFileSync(path, `${JSON.stringify(t, null, 2)}\n`);
}

/** Reads a transform file a `kind` step wrote; anything else is named as bad input. */
export function readTransform<K extends Transform['kind']>(path: string, argName: string, kind: K): Extract<Transform, { kind: K }> {
  const what = `give the transform output of a ${kind} step`;
  if (!existsSync(path)) throw new BadInputError(`${argName} not found: ${path}; ${what}`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new BadInputError(`${argName} ${path} is not JSON; ${what}`);
  }
  const parsed = transform.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.map(String).join('.') ?? '';
    throw new BadInputError(`${argName} ${path} is not a Baton transform (format ${TRANSFORM_FORMAT})${where ? `: ${where} ${issue?.message ?? ''}` : ''}; ${what}`);
  }
  if (parsed.data.kind !== kind) throw new BadInputError(`${argName} ${path} is a ${parsed.data.kind} transform; give it to ${parsed.data.kind} apply, or ${what}`);
  return parsed.data as Extract<Transform, { kind: K }>;
}
