import type { ErrorClass } from './failure.js';
import type { Severity } from './plan.js';

/** A failure's severity when neither the step nor its command declares one. */
export function defaultSeverity(errorClass: ErrorClass): Severity {
  if (errorClass === 'user') return 'info';
  if (errorClass === 'transient') return 'warning';
  return 'error';
}

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2, critical: 3 };
