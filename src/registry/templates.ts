import { basename, extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ValidationError, errorMessage } from '../core/errors.js';
import type { TemplateDef } from '../core/planCheck.js';
import { parsePlan } from '../core/planSchema.js';
import { loadFolder } from './fileLoader.js';
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

/** Built-in templates (commands/templates/), then the project's `.baton/templates/`, which add or replace by name. */
export function loadTemplates(projectDir: string): TemplateRegistry {
  const templates = new Map<string, TemplateDef>();
  const warnings: string[] = [];
  const yaml = (f: string) => /\.ya?ml$/.test(f);
  loadFolder(join(builtinCommandsDir(), 'templates'), yaml, parseTemplateFile, templates, warnings, builtinCommandsDir());
  loadFolder(join(stateDir(projectDir), 'templates'), yaml, parseTemplateFile, templates, warnings, projectDir);
  return { templates, warnings };
}
