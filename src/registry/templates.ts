import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ValidationError, errorMessage } from '../core/errors.js';
import type { TemplateDef } from '../core/planCheck.js';
import { parsePlan } from '../core/planSchema.js';
import { builtinCommandsDir, stateDir } from './paths.js';

export interface TemplateRegistry {
  templates: Map<string, TemplateDef>;
  /** One line per file that did not load; the others still do. */
  warnings: string[];
}

export function parseTemplateFile(text: string, source: string): TemplateDef {
  let raw: unknown;
  try {
    raw = parseYaml(text, { maxAliasCount: 100 });
  } catch (e) {
    throw new ValidationError(`${source}: not valid YAML: ${errorMessage(e).split('\n')[0] ?? ''}`);
  }
  const name = basename(source, extname(source));
  return { ...parsePlan(raw, source, name), source };
}

function loadDir(dir: string, into: Map<string, TemplateDef>, warnings: string[], base: string): void {
  if (!existsSync(dir)) return;
  for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    const path = join(dir, file);
    try {
      const def = parseTemplateFile(readFileSync(path, 'utf8'), relative(base, path) || path);
      into.set(def.name, def);
    } catch (e) {
      warnings.push(errorMessage(e));
    }
  }
}

/** Built-in templates (commands/templates/), then the project's `.baton/templates/`, which add or replace by name. */
export function loadTemplates(projectDir: string): TemplateRegistry {
  const templates = new Map<string, TemplateDef>();
  const warnings: string[] = [];
  loadDir(join(builtinCommandsDir(), 'templates'), templates, warnings, builtinCommandsDir());
  loadDir(join(stateDir(projectDir), 'templates'), templates, warnings, projectDir);
  return { templates, warnings };
}
