/**
 * Argo's naming rules (workflow/validate/validate.go): task and template names are letters, digits
 * and `-`, starting with a letter or digit, at most 128 characters; parameter names also allow `_`.
 * Baton's ids allow `_` and may start with it, so names are rewritten, the same way every time.
 */
const FIELD_MAX = 128;

/** `tune_forest` → `tune-forest`; lower case, since the names end up in pod names. */
export function fieldName(text: string, fallback = 'step'): string {
  const name = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, FIELD_MAX - 4)
    .replace(/-+$/, '');
  return name === '' ? fallback : name;
}

/** An output's or argument's name as an Argo parameter name (`model.path` → `model_path`). */
export function parameterName(text: string): string {
  const name = text.replace(/[^-A-Za-z0-9_]/g, '_');
  return name === '' ? '_' : name;
}

/** `metadata.generateName`: a DNS label prefix, which Kubernetes completes with 5 random characters. */
export function generateName(planName: string): string {
  return `${fieldName(planName, 'baton').slice(0, 57).replace(/-+$/, '')}-`;
}

/** Hands out names unique in one namespace: the first taker keeps the plain name, later ones get -2, -3... */
export class NameBook {
  private readonly taken = new Set<string>();

  take(base: string): string {
    let name = base;
    for (let n = 2; this.taken.has(name); n++) name = `${base}-${n}`;
    this.taken.add(name);
    return name;
  }
}
