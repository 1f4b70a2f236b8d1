import type { FeatureDrift } from './drift.js';

/** How monitor judges each feature's drift, and the alerts and table it prints. */

export type Severity = 'info' | 'warning' | 'critical';
export interface Alert {
  severity: Severity;
  message: string;
}

export type Status = 'ok' | 'watch' | 'drift';
export interface JudgedFeature extends FeatureDrift {
  /** The KS p-value after Holm's correction over the check's numeric features, or null. */
  ksAdjusted: number | null;
  status: Status;
  alert?: Alert;
}

const fmt = (x: number, digits = 3): string => String(Number(x.toFixed(digits)));
const pText = (p: number): string => (p < 0.001 ? 'p < 0.001' : `p = ${fmt(p)}`);
const value = (v: number | string | null): string => (v === null ? '-' : typeof v === 'number' ? fmt(v) : v);

/**
 * A numeric feature drifts when its PSI exceeds the threshold and the KS test agrees (p < alpha,
 * Holm-adjusted over the check's numeric features, so twenty features do not make a false alarm
 * likely): PSI alone over-reacts on small batches, KS alone on large ones. A categorical feature drifts on
 * PSI. Half the threshold is the usual "moderate shift" band (PSI 0.1 to 0.2 at the default),
 * reported when the KS test agrees too: 10 bins over a few hundred rows give PSI near 0.1 by chance.
 */
export function judgeFeature(f: FeatureDrift, psiThreshold: number, alpha: number, ksAdjusted: number | null, holm: boolean): JudgedFeature {
  const psi = `PSI ${fmt(f.psi)}`;
  const moved = `${f.kind === 'numeric' ? 'mean' : 'share of'} ${value(f.reference)} → ${value(f.current)}`;
  const p = ksAdjusted ?? 1;
  const pLabel = `${holm ? 'Holm-adjusted ' : ''}${pText(p)}`;
  const ksText = f.ks ? `KS D = ${fmt(f.ks.statistic)} (${pLabel})` : '';
  const ksAgrees = f.ks === null || p < alpha;
  const judged = { ...f, ksAdjusted };
  if (f.psi > psiThreshold && ksAgrees) {
    return { ...judged, status: 'drift', alert: { severity: 'critical', message: `${f.feature} drifted: ${psi} > ${psiThreshold}${f.ks ? `, ${ksText}` : ''}; ${moved}` } };
  }
  if (f.psi > psiThreshold) {
    const message = `${f.feature}: ${psi} > ${psiThreshold} but the KS test sees no significant change (${pLabel} ≥ ${alpha}); likely noise in a batch of ${f.currentRows} rows`;
    return { ...judged, status: 'watch', alert: { severity: 'warning', message } };
  }
  if (f.psi > psiThreshold / 2 && ksAgrees) {
    return { ...judged, status: 'watch', alert: { severity: 'warning', message: `${f.feature} shifted moderately: ${psi} (drift above ${psiThreshold})${f.ks ? `, ${ksText}` : ''}; ${moved}` } };
  }
  if (f.ks && p < alpha) {
    return { ...judged, status: 'watch', alert: { severity: 'info', message: `${f.feature}: the KS test finds a difference (${ksText}) but ${psi} is small` } };
  }
  return { ...judged, status: 'ok' };
}

/** The per-feature table, widest first column first. */
export function driftTable(features: readonly JudgedFeature[]): string[] {
  const rows = features.map((f) => [f.feature, f.kind, fmt(f.psi, 4), f.ks ? fmt(f.ks.statistic, 4) : '-', f.ksAdjusted !== null ? (f.ksAdjusted < 0.0001 ? '<0.0001' : fmt(f.ksAdjusted, 4)) : '-', `${value(f.reference)} → ${value(f.current)}`, f.status === 'drift' ? 'DRIFT' : f.status]);
  const header = ['feature', 'type', 'PSI', 'KS D', 'KS p', 'reference → current', 'status'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}
