// Checks k8s/monitoring: every metric the dashboard and the rules use is one the apps export (or one announced
// for a capability still being built), the PromQL parses (promtool check rules), the alerts behave as their
// unit tests say (promtool test rules), each alert's runbook anchor exists in docs/operations.md, and the
// PodMonitor finds the apps' pods and ports.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { byKind, podTemplates, selectorMatches } from './kubernetes-objects.mjs';
import { HEALTH_PORTS } from './overlay-policies.mjs';

/**
 * Metrics whose names are agreed but whose code is still being written: the dashboard may show them already, and
 * each is reported as "not exported yet" until the code declares it. Empty while every used metric is exported.
 */
export const ANNOUNCED_METRICS = [];

/** kube-state-metrics and Prometheus' own series the alerts use. */
const EXTERNAL_METRICS = [
  'up',
  'kube_deployment_status_replicas_available',
  'kube_deployment_status_replicas_unavailable',
];

const HISTOGRAM_SUFFIXES = /_(bucket|sum|count)$/;

function sourceFiles(directory) {
  const files = [];
  for (const entry of readdirSync(directory)) {
    if (entry === 'node_modules') continue;
    const full = path.join(directory, entry);
    if (statSync(full).isDirectory()) files.push(...sourceFiles(full));
    else if (entry.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry)) files.push(full);
  }
  return files;
}

/** mapoffline_* names declared in apps/ and libs/ (`name: 'mapoffline_...'`). */
export function exportedMetricNames(repositoryRoot) {
  const names = new Set();
  for (const root of ['apps', 'libs']) {
    for (const file of sourceFiles(path.join(repositoryRoot, root))) {
      for (const match of readFileSync(file, 'utf8').matchAll(/name:\s*'(mapoffline_[a-z0-9_]+)'/g))
        names.add(match[1]);
    }
  }
  return names;
}

/** The default process metrics prom-client registers (createMetricsRegistry in libs/observability). */
async function defaultProcessMetricNames(repositoryRoot) {
  const promClient = createRequire(path.join(repositoryRoot, 'package.json'))('prom-client');
  const registry = new promClient.Registry();
  promClient.collectDefaultMetrics({ register: registry });
  const metrics = await registry.getMetricsAsJSON();
  return new Set(metrics.map((metric) => metric.name));
}

/** Metric names in a PromQL expression (recording-rule names contain a colon and are not matched). */
export function metricNamesIn(expression) {
  const withoutStrings = expression.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const candidates =
    withoutStrings.match(
      /\b(mapoffline_[a-z0-9_]+|process_[a-z0-9_]+|nodejs_[a-z0-9_]+|kube_[a-z0-9_]+|up)\b(?!\s*\()/g,
    ) ?? [];
  return new Set(candidates);
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchors(markdown) {
  const anchors = new Set();
  for (const match of markdown.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    anchors.add(
      match[1]
        .trim()
        .toLowerCase()
        .replace(/[^a-z0-9 -]/g, '')
        .replace(/ /g, '-'),
    );
  }
  return anchors;
}

/** Grafana's variables replaced by values Prometheus accepts, so promtool can parse the panel queries. */
function concreteDashboardExpression(expression) {
  return expression
    .replace(/\$__rate_interval|\$__interval|\$__range/g, '5m')
    .replace(/\$\{?(namespace|queue)\}?/g, '.*');
}

function runPromtool(promtool, args, directory) {
  const result = spawnSync(promtool, args, { cwd: directory, encoding: 'utf8' });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() };
}

/**
 * @param {object} context { repositoryRoot, objects (monitoring render), overlays: [{overlay, objects}], promtool }
 * @returns {Promise<{problems: string[], notices: string[]}>}
 */
export async function checkMonitoring(context) {
  const problems = [];
  const notices = [];
  const { repositoryRoot, objects } = context;
  const rules = byKind(objects, 'PrometheusRule');
  const dashboards = byKind(objects, 'ConfigMap').filter(
    (object) => object.metadata.labels?.grafana_dashboard === '1',
  );
  if (rules.length !== 1) problems.push(`monitoring: expected one PrometheusRule, found ${rules.length}`);
  if (dashboards.length !== 1)
    problems.push(
      `monitoring: expected one dashboard ConfigMap (label grafana_dashboard=1), found ${dashboards.length}`,
    );
  const groups = rules[0]?.spec.groups ?? [];

  // The dashboard as Grafana will read it from the ConfigMap.
  const expressions = []; // [where, expr]
  for (const group of groups) {
    for (const rule of group.rules) expressions.push([`rule ${rule.alert ?? rule.record}`, rule.expr]);
  }
  const dashboardExpressions = [];
  for (const configMap of dashboards) {
    for (const [file, text] of Object.entries(configMap.data ?? {})) {
      let dashboard;
      try {
        dashboard = JSON.parse(text);
      } catch (error) {
        problems.push(`monitoring: ${file} is not JSON: ${error.message}`);
        continue;
      }
      problems.push(...dashboardProblems(file, dashboard));
      for (const panel of dashboard.panels ?? []) {
        for (const target of panel.targets ?? []) {
          dashboardExpressions.push([`panel "${panel.title}" ${target.refId}`, target.expr]);
        }
      }
    }
  }
  expressions.push(...dashboardExpressions);

  // Metric names.
  const exported = exportedMetricNames(repositoryRoot);
  const processMetrics = await defaultProcessMetricNames(repositoryRoot);
  const known = new Set([...exported, ...processMetrics, ...EXTERNAL_METRICS, ...ANNOUNCED_METRICS]);
  const announcedInUse = new Set();
  for (const [where, expression] of expressions) {
    for (const name of metricNamesIn(expression)) {
      const base = known.has(name) ? name : name.replace(HISTOGRAM_SUFFIXES, '');
      if (!known.has(base)) problems.push(`monitoring: ${where} uses ${name}, which no app exports`);
      if (ANNOUNCED_METRICS.includes(base) && !exported.has(base)) announcedInUse.add(base);
    }
  }
  for (const name of announcedInUse)
    notices.push(`${name} is used by the dashboard but not exported yet (announced)`);

  // Runbook anchors.
  const operations = readFileSync(path.join(repositoryRoot, 'docs/operations.md'), 'utf8');
  const anchors = headingAnchors(operations);
  for (const group of groups) {
    for (const rule of group.rules.filter((entry) => entry.alert)) {
      const anchor = /#(.+)$/.exec(rule.annotations?.runbook_url ?? '')?.[1];
      if (!anchor || !anchors.has(anchor))
        problems.push(
          `monitoring: alert ${rule.alert} has no runbook section (${rule.annotations?.runbook_url}) in docs/operations.md`,
        );
    }
  }

  problems.push(...podMonitorProblems(objects, context.overlays));

  // promtool: parse everything, then run the alert unit tests.
  if (!context.promtool) {
    notices.push('promtool not found: PromQL syntax and alert unit tests skipped (use --fetch-tools)');
    return { problems, notices };
  }
  const directory = mkdtempSync(path.join(os.tmpdir(), 'map-offline-rules-'));
  try {
    writeFileSync(path.join(directory, 'prometheus-rules.yaml'), yaml.dump({ groups }));
    const withoutAnnotations = groups.map((group) => ({
      ...group,
      rules: group.rules.map(({ annotations: _annotations, ...rule }) => rule),
    }));
    writeFileSync(
      path.join(directory, 'prometheus-rules.extracted.yaml'),
      yaml.dump({ groups: withoutAnnotations }),
    );
    const dashboardRules = dashboardExpressions.map(([, expression], index) => ({
      record: `dashboard:query_${index}`,
      expr: concreteDashboardExpression(expression),
    }));
    writeFileSync(
      path.join(directory, 'dashboard-queries.yaml'),
      yaml.dump({
        groups: [
          {
            name: 'dashboard',
            rules:
              dashboardRules.length > 0 ? dashboardRules : [{ record: 'dashboard:none', expr: 'vector(0)' }],
          },
        ],
      }),
    );
    const checked = runPromtool(
      context.promtool,
      ['check', 'rules', 'prometheus-rules.yaml', 'dashboard-queries.yaml'],
      directory,
    );
    if (!checked.ok) problems.push(`monitoring: promtool check rules failed:\n${checked.output}`);
    const testFile = path.join(repositoryRoot, 'k8s/monitoring/tests/prometheus-rules.test.yaml');
    writeFileSync(path.join(directory, 'prometheus-rules.test.yaml'), readFileSync(testFile, 'utf8'));
    const tested = runPromtool(context.promtool, ['test', 'rules', 'prometheus-rules.test.yaml'], directory);
    if (!tested.ok) problems.push(`monitoring: promtool test rules failed:\n${tested.output}`);
    return {
      problems,
      notices,
      summary: `promtool: ${groups.reduce((sum, group) => sum + group.rules.length, 0)} rules and ${dashboardRules.length} dashboard queries parse; alert unit tests ${tested.ok ? 'pass' : 'FAIL'}`,
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

function dashboardProblems(file, dashboard) {
  const problems = [];
  if (!dashboard.uid || !dashboard.title) problems.push(`monitoring: ${file} has no uid or title`);
  const ids = new Set();
  const variables = new Set((dashboard.templating?.list ?? []).map((variable) => variable.name));
  for (const panel of dashboard.panels ?? []) {
    if (ids.has(panel.id)) problems.push(`monitoring: ${file} has two panels with id ${panel.id}`);
    ids.add(panel.id);
    if (!panel.gridPos) problems.push(`monitoring: ${file} panel "${panel.title}" has no gridPos`);
    if (panel.type === 'row') continue;
    if ((panel.targets ?? []).length === 0)
      problems.push(`monitoring: ${file} panel "${panel.title}" has no query`);
    if (panel.datasource?.uid !== '${datasource}')
      problems.push(`monitoring: ${file} panel "${panel.title}" does not use the $datasource variable`);
    for (const target of panel.targets ?? []) {
      for (const match of target.expr.matchAll(/\$\{?([a-z_]+)\}?/g)) {
        if (!match[1].startsWith('__') && !variables.has(match[1]))
          problems.push(`monitoring: ${file} panel "${panel.title}" uses undefined variable $${match[1]}`);
      }
    }
  }
  return problems;
}

function podMonitorProblems(objects, overlays) {
  const problems = [];
  const monitors = byKind(objects, 'PodMonitor');
  if (monitors.length !== 1) problems.push(`monitoring: expected one PodMonitor, found ${monitors.length}`);
  for (const monitor of monitors) {
    const ports = new Set(monitor.spec.podMetricsEndpoints.map((endpoint) => endpoint.port));
    for (const { overlay, objects: overlayObjects } of overlays) {
      for (const template of podTemplates(overlayObjects).filter((entry) => entry.kind === 'Deployment')) {
        if (!selectorMatches(monitor.spec.selector, template.labels)) {
          problems.push(
            `monitoring: PodMonitor ${monitor.metadata.name} does not select ${overlay} ${template.owner}`,
          );
        }
        const names = (template.spec.containers ?? []).flatMap((container) =>
          (container.ports ?? []).map((port) => port.name),
        );
        if (!names.some((name) => ports.has(name))) {
          problems.push(
            `monitoring: PodMonitor ${monitor.metadata.name} scrapes none of ${overlay} ${template.owner}'s ports (${names.join(', ')})`,
          );
        }
        // Only the health ports serve /metrics; the gateway's public port answers 404 (a target always down).
        for (const container of template.spec.containers ?? []) {
          for (const port of container.ports ?? []) {
            if (ports.has(port.name) && !Object.values(HEALTH_PORTS).includes(port.containerPort)) {
              problems.push(
                `monitoring: PodMonitor ${monitor.metadata.name} scrapes port ${port.name} (${port.containerPort}) of ${overlay} ${template.owner}, which serves no /metrics`,
              );
            }
          }
        }
      }
    }
  }
  return problems;
}
