import { basename, extname, join } from 'node:path';
import { ValidationError } from '../core/errors.js';
import type { TemplateDef } from '../core/planCheck.js';
import { parsePlan } from '../core/planSchema.js';
import { loadFolder } from './fileLoader.js';
import { builtinCommandsDir, stateDir } from './paths.js';
import { readYaml } from './yamlText.js';

export interface TemplateRegistry {
  templates: Map<string, TemplateDef>;
  /** One line per file that did not load; the others still do. */
  warnings: string[];
}

export function parseTemplateFile(text: string, source: string): TemplateDef {
  const raw = readYaml(text);
  if ('problem' in raw) throw new ValidationError(`${source}: ${raw.problem}`);
  const name = basename(source, extname(source));
  return { ...parsePlan(raw.value, source, name), source };
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
