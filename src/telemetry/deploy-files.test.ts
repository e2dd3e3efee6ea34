/**
 * The operator files in deploy/ name only metrics that createMetrics registers: renaming a metric without
 * updating the Grafana dashboard and the Prometheus alerts fails here.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createMetrics } from './metrics.js';

const DEPLOY = resolve(import.meta.dirname, '../../deploy');

/** PromQL words that are neither functions (those are followed by `(`) nor metrics. */
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

/**
 * The metric names a PromQL expression selects: identifiers left after removing strings, label matchers
 * (`{...}`), range and subquery selectors (`[...]`), grouping clauses (`by (...)`), Grafana variables, numbers
 * and durations, that are not keywords and not followed by `(` (functions and aggregations).
 */
function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const name = match[0];
    const after = stripped.slice((match.index ?? 0) + name.length).trimStart();
    const before = stripped[(match.index ?? 0) - 1] ?? ' ';
    if (/[0-9.]/.test(before) || KEYWORDS.has(name.toLowerCase()) || after.startsWith('(')) continue;
    names.add(name);
  }
  return [...names];
}

interface Registered { readonly names: ReadonlySet<string>; readonly histograms: ReadonlySet<string> }

function registered(): Registered {
  const metrics = createMetrics();
  const all = metrics.registry.getMetricsAsArray();
  return {
    names: new Set(all.map((metric) => metric.name)),
    histograms: new Set(all.filter((metric) => metric.type.toString() === 'histogram').map((metric) => metric.name)),
  };
}

/** The names in `names` that createMetrics does not register (`_bucket`, `_sum`, `_count` count for histograms). */
function unknownNames(names: readonly string[], known: Registered): string[] {
  return names.filter((name) => {
    if (known.names.has(name)) return false;
    const base = name.replace(/_(bucket|sum|count)$/, '');
    return !(base !== name && known.histograms.has(base));
  });
}

interface Panel { readonly title?: string; readonly targets?: readonly { readonly expr?: string }[]; readonly panels?: readonly Panel[] }

function dashboardExprs(): { readonly title: string; readonly expr: string }[] {
  const dashboard = JSON.parse(readFileSync(resolve(DEPLOY, 'grafana/zero-error.json'), 'utf8')) as { panels: Panel[] };
  const visit = (panels: readonly Panel[]): { title: string; expr: string }[] => panels.flatMap((panel) => [
    ...(panel.targets ?? []).map((target) => ({ title: panel.title ?? '', expr: target.expr ?? '' })),
    ...visit(panel.panels ?? []),
  ]);
  return visit(dashboard.panels);
}

interface Rule { readonly alert?: string; readonly expr: string; readonly labels?: { readonly severity?: string } }

function alertRules(): Rule[] {
  const file = parse(readFileSync(resolve(DEPLOY, 'prometheus/alerts.yml'), 'utf8')) as { groups: { rules: Rule[] }[] };
  return file.groups.flatMap((group) => group.rules);
}

describe('deploy files', () => {
  const known = registered();

  it('extracts metric names from PromQL', () => {
    expect(metricNamesIn('histogram_quantile(0.95, sum by (le, layer) (rate(verify_layer_duration_seconds_bucket{job="zerr"}[5m])))'))
      .toEqual(['verify_layer_duration_seconds_bucket']);
    expect(metricNamesIn('sum(rate(tasks_total{status="success"}[15m])) / sum(rate(tasks_total[$__rate_interval])) < 0.90'))
      .toEqual(['tasks_total']);
    expect(metricNamesIn('max by (model) (circuit_breaker_state) == 2 and on (model) up offset 5m')).toEqual(['circuit_breaker_state', 'up']);
  });

  it('flags a renamed metric', () => {
    expect(unknownNames(metricNamesIn('sum(rate(task_total[5m]))'), known)).toEqual(['task_total']);
    expect(unknownNames(metricNamesIn('rate(tasks_total_bucket[5m])'), known)).toEqual(['tasks_total_bucket']);
    expect(unknownNames(metricNamesIn('rate(task_duration_seconds_count[5m])'), known)).toEqual([]);
  });

  it('every metric in the Grafana dashboard is registered by createMetrics', () => {
    const exprs = dashboardExprs();
    expect(exprs.length).toBeGreaterThanOrEqual(10);
    const unknown = exprs.flatMap(({ title, expr }) => unknownNames(metricNamesIn(expr), known).map((name) => `${title}: ${name}`));
    expect(unknown).toEqual([]);
    const used = new Set(exprs.flatMap(({ expr }) => metricNamesIn(expr)).map((name) => name.replace(/_(bucket|sum|count)$/, '')));
    for (const name of ['tasks_total', 'task_duration_seconds', 'samples_total', 'red_flags_total', 'verify_layer_duration_seconds',
      'votes_per_decision', 'tokens_total', 'cost_usd_total', 'circuit_breaker_state']) {
      expect(used, name).toContain(name);
    }
  });

  it('every metric in the Prometheus alerts is registered, and the seed alerts are there', () => {
    const rules = alertRules();
    const unknown = rules.flatMap((rule) => unknownNames(metricNamesIn(rule.expr), known).map((name) => `${rule.alert ?? '?'}: ${name}`));
    expect(unknown).toEqual([]);
    const bySeverity = (severity: string) => rules.filter((rule) => rule.labels?.severity === severity).map((rule) => rule.expr.replace(/\s+/g, ' ').trim());
    expect(bySeverity('warning')).toContainEqual(expect.stringMatching(/tasks_total\{status="success"\}\[15m\].*tasks_total\[15m\].*< 0\.90?$/));
    expect(bySeverity('critical')).toContainEqual(expect.stringMatching(/tasks_total\{status="success"\}\[15m\].*tasks_total\[15m\].*< 0\.75$/));
    expect(bySeverity('critical')).toContainEqual(expect.stringMatching(/circuit_breaker_state\)? == 2$/));
  });
});
