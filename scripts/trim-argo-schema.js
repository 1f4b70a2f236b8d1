// Vendors Argo Workflows' published JSON schema, trimmed to the Workflow definition and every
// definition it references (the full file also covers events, sensors, cron and the API server).
//
//   node scripts/trim-argo-schema.js [FILE|URL] [OUT]
//
// FILE or URL is Argo's api/jsonschema/schema.json (default: the v4.1.2 release's); OUT defaults to
// schemas/argo-workflow.schema.json. Definitions are copied unchanged; only the root changes, from
// "one of five kinds" to the Workflow.
import { readFileSync, writeFileSync } from 'node:fs';

const VERSION = 'v4.1.2';
const COMMIT = '16a52d67daf2f4a8a76fa8bec02a76a46aa46257';
const DEFAULT_SOURCE = `https://raw.githubusercontent.com/argoproj/argo-workflows/${VERSION}/api/jsonschema/schema.json`;
const ROOT = 'io.argoproj.workflow.v1alpha1.Workflow';

const [source = DEFAULT_SOURCE, out = 'schemas/argo-workflow.schema.json'] = process.argv.slice(2);

async function load(where) {
  if (!/^https?:\/\//.test(where)) return JSON.parse(readFileSync(where, 'utf8'));
  const response = await fetch(where);
  if (!response.ok) throw new Error(`${where}: HTTP ${response.status}`);
  return response.json();
}

function refsIn(value, found) {
  if (Array.isArray(value)) for (const v of value) refsIn(v, found);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === '$ref' && typeof v === 'string' && v.startsWith('#/definitions/')) found.push(v.slice('#/definitions/'.length));
      else refsIn(v, found);
    }
  }
  return found;
}

const full = await load(source);
const keep = new Set();
const queue = [ROOT];
while (queue.length > 0) {
  const name = queue.pop();
  if (keep.has(name)) continue;
  const definition = full.definitions[name];
  if (!definition) throw new Error(`${source} has no definition ${name}`);
  keep.add(name);
  queue.push(...refsIn(definition, []));
}
const definitions = Object.fromEntries(Object.keys(full.definitions).filter((k) => keep.has(k)).map((k) => [k, full.definitions[k]]));
const trimmed = {
  $comment: `Argo Workflows ${VERSION} (commit ${COMMIT}) api/jsonschema/schema.json, trimmed by scripts/trim-argo-schema.js to the Workflow definition and the ${keep.size - 1} it references; definitions unchanged.`,
  $schema: full.$schema,
  $ref: `#/definitions/${ROOT}`,
  definitions,
};
writeFileSync(out, `${JSON.stringify(trimmed, null, 2)}\n`);
process.stdout.write(`${out}: ${keep.size} of ${Object.keys(full.definitions).length} definitions\n`);
