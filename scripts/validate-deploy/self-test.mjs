// Proves the checks catch what they claim to: each case breaks one thing in a copy of the production render
// (or the monitoring render) and expects a problem that names it. A check that lets its case through fails.
import { checkMonitoring } from './monitoring-checks.mjs';
import { checkOverlay } from './overlay-policies.mjs';

const find = (objects, kind, name) =>
  objects.find((object) => object.kind === kind && object.metadata.name.startsWith(name));
const container = (objects, name) => find(objects, 'Deployment', name).spec.template.spec.containers[0];

const OVERLAY_CASES = [
  [
    'a string where the schema wants an integer',
    'must be integer',
    (objects) => {
      find(objects, 'Deployment', 'gateway').spec.revisionHistoryLimit = '5';
    },
  ],
  [
    'a misspelt ScaledObject field',
    'minReplicas',
    (objects) => {
      find(objects, 'ScaledObject', 'packager').spec.minReplicas = 2;
    },
  ],
  [
    'a worker without readiness probe',
    'no readinessProbe',
    (objects) => {
      delete container(objects, 'tile-seeder').readinessProbe;
    },
  ],
  [
    'a probe on the wrong port',
    'does not probe port 4102',
    (objects) => {
      container(objects, 'packager').livenessProbe.httpGet.port = 4101;
    },
  ],
  [
    'a writable root filesystem',
    'readOnlyRootFilesystem',
    (objects) => {
      container(objects, 'sync-merger').securityContext.readOnlyRootFilesystem = false;
    },
  ],
  [
    'a grace period shorter than the drain',
    'terminationGracePeriodSeconds',
    (objects) => {
      find(objects, 'Deployment', 'packager').spec.template.spec.terminationGracePeriodSeconds = 60;
    },
  ],
  [
    'KEDA reading the wrong Redis key',
    'keeps its waiting jobs in',
    (objects) => {
      find(objects, 'ScaledObject', 'tile-seeder').spec.triggers[0].metadata.listName =
        'bull:tile-seeding:wait';
    },
  ],
  [
    'a queue prefix that is not a hash tag',
    'QUEUE_PREFIX',
    (objects) => {
      find(objects, 'ConfigMap', 'map-offline-config').data.QUEUE_PREFIX = 'map-offline';
    },
  ],
  [
    'production without a JWKS URL',
    'refuse to start',
    (objects) => {
      delete find(objects, 'ConfigMap', 'map-offline-config').data.AUTH_JWKS_URL;
    },
  ],
  [
    'a secret in the ConfigMap',
    'which is a secret',
    (objects) => {
      find(objects, 'ConfigMap', 'map-offline-config').data.DATABASE_URL =
        'postgres://user:password@db:5432/db';
    },
  ],
  [
    '/metrics routed through the Ingress',
    'routes /metrics',
    (objects) => {
      const paths = find(objects, 'Ingress', 'gateway').spec.rules[0].http.paths;
      paths.push({ ...paths[0], path: '/metrics' });
    },
  ],
  [
    "the gateway's metrics port not declared",
    'does not declare containerPort 4100',
    (objects) => {
      const gateway = container(objects, 'gateway');
      gateway.ports = gateway.ports.filter((port) => port.containerPort !== 4100);
    },
  ],
  [
    'the metrics port behind the gateway Service',
    'exposes the internal health/metrics port',
    (objects) => {
      find(objects, 'Service', 'gateway').spec.ports.push({
        name: 'metrics',
        port: 9090,
        targetPort: 'health',
      });
    },
  ],
  [
    "Prometheus not admitted to the gateway's metrics port",
    'no NetworkPolicy admits Prometheus to port 4100',
    (objects) => {
      const rule = find(objects, 'NetworkPolicy', 'metrics-scrape-ingress').spec.ingress[0];
      rule.ports = rule.ports.filter((port) => port.port !== 4100);
    },
  ],
  [
    'a budget that blocks every drain',
    'could never evict',
    (objects) => {
      find(objects, 'PodDisruptionBudget', 'tile-seeder').spec.minAvailable = 2;
    },
  ],
  [
    'no default-deny NetworkPolicy',
    'default-deny',
    (objects) => {
      objects.splice(objects.indexOf(find(objects, 'NetworkPolicy', 'default-deny-all')), 1);
    },
  ],
  [
    'a worker allowed to reach any address',
    'reach any address',
    (objects) => {
      find(objects, 'NetworkPolicy', 'tile-seeder-upstreams-egress').spec.egress[0].to = [
        { ipBlock: { cidr: '0.0.0.0/0' } },
      ];
    },
  ],
  [
    'a Deployment with a replicas field',
    'reset its autoscaler',
    (objects) => {
      find(objects, 'Deployment', 'sync-merger').spec.replicas = 2;
    },
  ],
  [
    'an unpinned image',
    'no fixed tag',
    (objects) => {
      container(objects, 'gateway').image = 'registry.example.org/map-offline:latest';
    },
  ],
];

const MONITORING_CASES = [
  [
    'an alert on a metric nobody exports',
    'which no app exports',
    false,
    (objects) => {
      find(objects, 'PrometheusRule', 'map-offline').spec.groups[1].rules[0].expr =
        'mapoffline_queue_waiting_total > 1';
    },
  ],
  [
    'an alert without its runbook section',
    'no runbook section',
    false,
    (objects) => {
      find(objects, 'PrometheusRule', 'map-offline').spec.groups[1].rules[0].annotations.runbook_url =
        'docs/operations.md#nowhere';
    },
  ],
  [
    "the gateway's public port scraped for /metrics",
    'which serves no /metrics',
    false,
    (objects) => {
      find(objects, 'PodMonitor', 'map-offline').spec.podMetricsEndpoints.push({
        port: 'http',
        path: '/metrics',
        interval: '30s',
      });
    },
  ],
  [
    'PromQL that does not parse',
    'promtool check rules failed',
    true,
    (objects) => {
      find(objects, 'PrometheusRule', 'map-offline').spec.groups[1].rules[1].expr =
        'max by (queue (mapoffline_queue_oldest_waiting_seconds)';
    },
  ],
  [
    'an alert whose threshold no longer matches its unit test',
    'promtool test rules failed',
    true,
    (objects) => {
      const rule = find(objects, 'PrometheusRule', 'map-offline').spec.groups[1].rules[1];
      rule.expr = rule.expr.replace('> 1800', '> 7200');
    },
  ],
];

export async function runSelfTest({
  overlayContexts,
  monitoringObjects,
  validateObject,
  promtool,
  repositoryRoot,
}) {
  const problems = [];
  const lines = [];
  const production = overlayContexts.find((context) => context.overlay === 'production');
  for (const [name, expected, mutate] of OVERLAY_CASES) {
    const objects = structuredClone(production.objects);
    mutate(objects);
    const found = [
      ...objects.flatMap((object) => validateObject(object)),
      ...checkOverlay({ ...production, objects }),
    ];
    const caught = found.some((problem) => problem.includes(expected));
    lines.push(`${caught ? 'caught' : 'MISSED'}: ${name}`);
    if (!caught)
      problems.push(`self-test: "${name}" was not caught (expected a problem containing "${expected}")`);
  }
  for (const [name, expected, needsPromtool, mutate] of MONITORING_CASES) {
    if (needsPromtool && !promtool) {
      lines.push(`skipped (no promtool): ${name}`);
      continue;
    }
    const objects = structuredClone(monitoringObjects);
    mutate(objects);
    const result = await checkMonitoring({ repositoryRoot, objects, overlays: overlayContexts, promtool });
    const caught = result.problems.some((problem) => problem.includes(expected));
    lines.push(`${caught ? 'caught' : 'MISSED'}: ${name}`);
    if (!caught)
      problems.push(`self-test: "${name}" was not caught (expected a problem containing "${expected}")`);
  }
  return { problems, lines };
}
