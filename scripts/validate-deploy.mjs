#!/usr/bin/env node
// Validates the deployment files without a cluster or the internet, and exits non-zero on any problem:
//   node scripts/validate-deploy.mjs                 kubectl (and promtool, if found) from PATH
//   node scripts/validate-deploy.mjs --fetch-tools   as CI: kubectl 1.20 and promtool from Debian 12's packages
//   node scripts/validate-deploy.mjs --self-test     also proves the checks catch broken manifests
// 1. renders k8s/overlays/{dev,production} and k8s/monitoring with `kubectl kustomize`, with every kubectl at
//    hand, and requires the renders to agree (Debian's kustomize v2.0.3 and a current one);
// 2. validates every object against the Kubernetes schemas (kubernetes-models) and the KEDA and
//    prometheus-operator CRD schemas (@kubernetes-models/*), plus closed schemas for those custom resources;
// 3. checks the operational rules (scripts/validate-deploy/overlay-policies.mjs) and boots libs/config with
//    each container's environment;
// 4. checks the dashboard and alert rules (metric names, promtool check + unit tests, runbook anchors);
// 5. checks that docs/operations.md names every environment variable, and that docker-compose.yml parses.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { loadConfigLibrary } from './validate-deploy/app-config-loader.mjs';
import { resolveTools, toolVersion } from './validate-deploy/debian-tools.mjs';
import { checkMonitoring } from './validate-deploy/monitoring-checks.mjs';
import { APPS, checkOverlay } from './validate-deploy/overlay-policies.mjs';
import { compareRenders, renderKustomization } from './validate-deploy/render.mjs';
import { createSchemaValidator } from './validate-deploy/schema-validation.mjs';
import { runSelfTest } from './validate-deploy/self-test.mjs';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OVERLAYS = ['dev', 'production'];
const argumentsGiven = new Set(process.argv.slice(2));
for (const argument of argumentsGiven) {
  if (!['--fetch-tools', '--self-test'].includes(argument)) {
    console.error(`unknown argument ${argument}; use --fetch-tools and/or --self-test`);
    process.exit(2);
  }
}

const problems = [];
const log = (line) => console.log(`  ${line}`);
process.chdir(repositoryRoot);

const tools = resolveTools({
  fetchTools: argumentsGiven.has('--fetch-tools'),
  toolsDirectory: path.join(repositoryRoot, '.data/tools'),
  log,
});
if (tools.kubectls.length === 0) {
  console.error('kubectl not found: install it, or run with --fetch-tools as root on Debian');
  process.exit(1);
}
console.log('tools');
for (const kubectl of tools.kubectls) log(`kubectl ${toolVersion('kubectl', kubectl)} (${kubectl})`);
log(
  tools.promtool
    ? `promtool ${toolVersion('promtool', tools.promtool)} (${tools.promtool})`
    : 'promtool: not found',
);

// 1. Render with every kubectl; the first one's objects are the ones checked.
const renders = new Map();
console.log('render');
for (const target of [...OVERLAYS.map((overlay) => `k8s/overlays/${overlay}`), 'k8s/monitoring']) {
  const results = tools.kubectls.map((kubectl) => [
    `kubectl ${toolVersion('kubectl', kubectl)}`,
    renderKustomization(kubectl, target),
  ]);
  for (const [, result] of results) problems.push(...result.problems);
  for (const [label, result] of results.slice(1)) {
    problems.push(...compareRenders(target, [results[0][0], results[0][1].objects], [label, result.objects]));
  }
  renders.set(target, results[0][1].objects);
  const kinds = new Map();
  for (const object of results[0][1].objects) kinds.set(object.kind, (kinds.get(object.kind) ?? 0) + 1);
  log(
    `${target}: ${results[0][1].objects.length} objects (${[...kinds].map(([kind, count]) => `${count} ${kind}`).join(', ')})` +
      (results.length > 1 ? `; identical with ${results.length} kubectl versions` : ''),
  );
}

// 2. Schemas.
const validateObject = createSchemaValidator(repositoryRoot);
const secretExample = yaml.load(readFileSync('k8s/base/shared/secret.example.yaml', 'utf8'));
let validated = 0;
for (const objects of [...renders.values(), [secretExample]]) {
  for (const object of objects) {
    problems.push(...validateObject(object));
    validated += 1;
  }
}
console.log('schemas');
log(
  `${validated} objects validated (Kubernetes, KEDA and prometheus-operator schemas; closed schemas for the custom resources)`,
);

// 3. Operational rules and configuration.
const configLibrary = loadConfigLibrary(repositoryRoot);
const appQueues = readAppQueues();
const overlayContexts = OVERLAYS.map((overlay) => ({
  repositoryRoot,
  overlay,
  objects: renders.get(`k8s/overlays/${overlay}`),
  secretExample,
  configLibrary,
  appQueues,
}));
console.log('policies');
for (const context of overlayContexts) {
  const found = checkOverlay(context);
  problems.push(...found);
  log(
    `${context.overlay}: ${found.length === 0 ? 'probes, security, drain, autoscaling, budgets, config boot, ingress, network policies: ok' : `${found.length} problem(s)`}`,
  );
}

// 4. Monitoring.
console.log('monitoring');
const monitoring = await checkMonitoring({
  repositoryRoot,
  objects: renders.get('k8s/monitoring'),
  overlays: overlayContexts,
  promtool: tools.promtool,
});
problems.push(...monitoring.problems);
if (monitoring.summary) log(monitoring.summary);
for (const notice of monitoring.notices) log(`notice: ${notice}`);
if (argumentsGiven.has('--fetch-tools') && !tools.promtool)
  problems.push('promtool is required with --fetch-tools');

// 5. Documentation and compose.
console.log('documentation and compose');
const operations = readFileSync('docs/operations.md', 'utf8');
const undocumented = configLibrary.variableNames.filter((name) => !operations.includes(`\`${name}\``));
for (const name of undocumented)
  problems.push(`docs/operations.md does not describe ${name} (libs/config/src/env-schema.ts)`);
log(
  `docs/operations.md describes all ${configLibrary.variableNames.length - undocumented.length} of ${configLibrary.variableNames.length} environment variables`,
);
const compose = spawnSync(process.execPath, ['docker/validate-compose.mjs'], { encoding: 'utf8' });
if (compose.status !== 0) problems.push(`docker/validate-compose.mjs: ${compose.stderr.trim()}`);
else log(compose.stdout.trim());

if (argumentsGiven.has('--self-test')) {
  console.log('self-test');
  const selfTest = await runSelfTest({
    overlayContexts,
    monitoringObjects: renders.get('k8s/monitoring'),
    validateObject,
    promtool: tools.promtool,
    repositoryRoot,
  });
  problems.push(...selfTest.problems);
  for (const line of selfTest.lines) log(line);
}

if (problems.length > 0) {
  console.error(
    `\n${problems.length} problem(s):\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
  );
  process.exit(1);
}
console.log('\ndeployment files: ok');

/** Which queue each worker consumes, read from its main.ts and libs/contracts (no build needed). */
function readAppQueues() {
  const names = readFileSync('libs/contracts/src/queue-name.ts', 'utf8');
  const queueOf = Object.fromEntries(
    [...names.matchAll(/(\w+): '([a-z-]+)'/g)].map((match) => [match[1], match[2]]),
  );
  const queues = {};
  for (const app of APPS.filter((name) => name !== 'gateway')) {
    const main = readFileSync(`apps/${app}/src/main.ts`, 'utf8');
    const key = /QueueName\.(\w+)/.exec(main)?.[1];
    if (!key || !queueOf[key]) problems.push(`apps/${app}/src/main.ts: cannot tell which queue it consumes`);
    else queues[app] = queueOf[key];
  }
  return queues;
}
