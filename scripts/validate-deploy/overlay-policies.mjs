// What every overlay must get right beyond the schemas: probes on the right ports, the security context,
// drain timing, autoscaling on the right Redis keys, disruption budgets, config that boots, the Ingress surface
// and the NetworkPolicies. Each check returns problems as sentences naming the object.
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  byKind,
  egressAllows,
  memoryMebibytes,
  named,
  podTemplates,
  policiesFor,
  portsInclude,
  selectorMatches,
} from './kubernetes-objects.mjs';

export const APPS = ['gateway', 'tile-seeder', 'packager', 'sync-merger'];
/** Each app's internal port of /healthz, /readyz and /metrics (HEALTH_PORT); Prometheus scrapes only these. */
export const HEALTH_PORTS = { gateway: 4100, 'tile-seeder': 4101, packager: 4102, 'sync-merger': 4103 };
/** The gateway's public port (GATEWAY_PORT): GraphQL, REST and the probes; it answers 404 for /metrics. */
const GATEWAY_PORT = 4000;
const SECRET_NAME = 'map-offline-secrets';
// Variables Node reads itself, which libs/config does not declare.
const NODE_RUNTIME_VARIABLES = new Set(['NODE_OPTIONS']);
// The only paths the Ingress may route; /metrics, /healthz and /readyz stay inside the cluster.
const PUBLIC_PATHS = new Set(['/graphql', '/tiles', '/storage/objects']);
const DEFAULT_SHUTDOWN_GRACE_MS = 30_000;

/**
 * @param {object} context { repositoryRoot, overlay, objects, secretExample, configLibrary, appQueues }
 * @returns {string[]} problems
 */
export function checkOverlay(context) {
  const problems = [];
  const report = (message) => problems.push(`${context.overlay}: ${message}`);
  const { objects } = context;

  const namespace = checkNamespace(objects, report);
  const configMap = findConfigMap(objects, report);
  const config = configMap?.data ?? {};
  const images = new Set();

  for (const app of APPS) {
    const deployment = named(objects, 'Deployment', app);
    if (!deployment) {
      report(`Deployment ${app} is missing`);
      continue;
    }
    checkWorkload(context, deployment, configMap, images, report);
    checkDeploymentRollout(deployment, report);
    const container = deployment.spec.template.spec.containers?.[0];
    if (container) {
      checkPorts(app, container, config, report);
      checkDrain(app, deployment, container, config, report);
    }
    checkAutoscaling(context, app, deployment, config, report);
  }
  const extraDeployments = byKind(objects, 'Deployment').filter(
    (object) => !APPS.includes(object.metadata.name),
  );
  for (const extra of extraDeployments) report(`unexpected Deployment ${extra.metadata.name}`);

  checkMigrationJob(context, configMap, images, report);
  if (images.size > 1)
    report(`the workloads run different images (${[...images].join(', ')}): one image runs every app`);
  checkSecrets(context, config, report);
  checkConfigurationBoots(context, configMap, report);
  checkIngress(objects, report);
  checkNetworkPolicies(context, report);
  checkPreDeployPhase(objects, configMap, report);
  if (namespace) {
    for (const object of objects) {
      if (object.kind === 'Namespace') continue;
      if (object.metadata?.namespace !== namespace) {
        report(`${object.kind}/${object.metadata?.name} is not in namespace ${namespace}`);
      }
    }
  }
  return problems;
}

function checkNamespace(objects, report) {
  const namespaces = byKind(objects, 'Namespace');
  if (namespaces.length !== 1) {
    report(`expected one Namespace, found ${namespaces.length}`);
    return undefined;
  }
  const labels = namespaces[0].metadata.labels ?? {};
  if (labels['pod-security.kubernetes.io/enforce'] !== 'restricted') {
    report(
      `Namespace ${namespaces[0].metadata.name} does not enforce the "restricted" Pod Security Standard`,
    );
  }
  return namespaces[0].metadata.name;
}

function findConfigMap(objects, report) {
  const configMaps = byKind(objects, 'ConfigMap').filter((object) =>
    /^map-offline-config(-[a-z0-9]{10})?$/.test(object.metadata.name),
  );
  if (configMaps.length !== 1)
    report(`expected one map-offline-config ConfigMap, found ${configMaps.length}`);
  return configMaps[0];
}

/** Pod-level and container-level checks shared by the Deployments and the migration Job. */
function checkWorkload(context, workload, configMap, images, report) {
  const label = `${workload.kind}/${workload.metadata.name}`;
  const template = workload.spec?.template ?? {};
  const pod = template.spec ?? {};
  if (workload.spec?.selector && !selectorMatches(workload.spec.selector, template.metadata?.labels)) {
    report(`${label}: its selector does not select its own pods`);
  }
  if (pod.serviceAccountName !== 'map-offline') report(`${label}: serviceAccountName is not map-offline`);
  if (pod.automountServiceAccountToken !== false)
    report(`${label}: automountServiceAccountToken is not false`);
  const podSecurity = pod.securityContext ?? {};
  if (podSecurity.runAsNonRoot !== true) report(`${label}: pod securityContext.runAsNonRoot is not true`);
  if (!Number.isInteger(podSecurity.runAsUser) || podSecurity.runAsUser === 0) {
    report(
      `${label}: pod securityContext.runAsUser must be a numeric non-root id (the kubelet cannot check a user name)`,
    );
  }
  if (podSecurity.seccompProfile?.type !== 'RuntimeDefault')
    report(`${label}: seccompProfile is not RuntimeDefault`);

  const containers = pod.containers ?? [];
  if (containers.length !== 1) report(`${label}: expected one container, found ${containers.length}`);
  for (const container of containers) {
    const where = `${label} container ${container.name}`;
    images.add(container.image);
    if (
      !/^[^:@]+(:[^:@/]+|@sha256:[0-9a-f]{64})$/.test(container.image ?? '') ||
      /:latest$/.test(container.image)
    ) {
      report(`${where}: image ${container.image} has no fixed tag or digest`);
    }
    const security = container.securityContext ?? {};
    if (security.allowPrivilegeEscalation !== false)
      report(`${where}: allowPrivilegeEscalation is not false`);
    if (security.readOnlyRootFilesystem !== true) report(`${where}: readOnlyRootFilesystem is not true`);
    if (security.privileged === true) report(`${where}: privileged`);
    if (!(security.capabilities?.drop ?? []).includes('ALL'))
      report(`${where}: capabilities do not drop ALL`);
    if ((security.capabilities?.add ?? []).length > 0) report(`${where}: adds capabilities`);
    const tmpMount = (container.volumeMounts ?? []).find((mount) => mount.mountPath === '/tmp');
    const tmpVolume = (pod.volumes ?? []).find((volume) => volume.name === tmpMount?.name);
    if (!tmpVolume?.emptyDir) report(`${where}: /tmp is not an emptyDir (the root filesystem is read-only)`);
    const resources = container.resources ?? {};
    for (const [section, names] of [
      ['requests', ['cpu', 'memory']],
      ['limits', ['cpu', 'memory']],
    ]) {
      for (const name of names) {
        if (resources[section]?.[name] === undefined) report(`${where}: no resources.${section}.${name}`);
      }
    }
    const heap = /--max-old-space-size=(\d+)/.exec(envValue(container, 'NODE_OPTIONS') ?? '');
    const limit = memoryMebibytes(resources.limits?.memory);
    if (heap && limit !== undefined && Number(heap[1]) >= limit) {
      report(
        `${where}: --max-old-space-size=${heap[1]} MiB is not below the memory limit (${resources.limits.memory})`,
      );
    }
    const fromConfigMap = (container.envFrom ?? []).some(
      (source) => source.configMapRef?.name === configMap?.metadata.name,
    );
    if (configMap && !fromConfigMap)
      report(`${where}: does not take its environment from ${configMap.metadata.name}`);
    for (const name of ['DATABASE_URL', 'REDIS_URL']) {
      if (workload.kind === 'Job' && name === 'REDIS_URL') continue;
      const variable = (container.env ?? []).find((entry) => entry.name === name);
      if (variable?.valueFrom?.secretKeyRef?.name !== SECRET_NAME)
        report(`${where}: ${name} does not come from Secret ${SECRET_NAME}`);
    }
  }
  return pod;
}

function envValue(container, name) {
  return (container.env ?? []).find((entry) => entry.name === name)?.value;
}

/** A variable as the process sees it: the container's own value wins over the ConfigMap's. */
function effectiveVariable(container, config, name) {
  return envValue(container, name) ?? config[name];
}

function checkDeploymentRollout(deployment, report) {
  const label = `Deployment/${deployment.metadata.name}`;
  if (deployment.spec.replicas !== undefined) {
    report(`${label}: sets replicas, which would reset its autoscaler on every apply`);
  }
  if (deployment.spec.strategy?.rollingUpdate?.maxUnavailable !== 0) {
    report(
      `${label}: rollingUpdate.maxUnavailable is not 0 (a rollout could drop below the running replicas)`,
    );
  }
}

function containerPortNumber(container, port) {
  if (typeof port === 'number') return port;
  return (container.ports ?? []).find((entry) => entry.name === port)?.containerPort;
}

function checkPorts(app, container, config, report) {
  const where = `Deployment/${app}`;
  // [variable, host variable, port]: every app has its health/metrics port; the gateway also its public port.
  const listeners = [['HEALTH_PORT', 'HEALTH_HOST', HEALTH_PORTS[app]]];
  if (app === 'gateway') listeners.unshift(['GATEWAY_PORT', 'GATEWAY_HOST', GATEWAY_PORT]);
  const declared = (container.ports ?? []).map((entry) => entry.containerPort);
  for (const [variable, hostVariable, port] of listeners) {
    if (Number(effectiveVariable(container, config, variable)) !== port) {
      report(`${where}: ${variable} is not ${port}`);
    }
    if (effectiveVariable(container, config, hostVariable) !== '0.0.0.0') {
      report(`${where}: ${hostVariable} is not 0.0.0.0, so probes and Prometheus cannot reach the port`);
    }
    if (!declared.includes(port)) report(`${where}: does not declare containerPort ${port}`);
  }
  // The probes ask the port that serves traffic: the gateway's public port, a worker's health port.
  const expected = app === 'gateway' ? GATEWAY_PORT : HEALTH_PORTS[app];
  for (const [probe, route] of [
    ['livenessProbe', '/healthz'],
    ['readinessProbe', '/readyz'],
    ['startupProbe', '/healthz'],
  ]) {
    const check = container[probe]?.httpGet;
    if (!check) {
      report(`${where}: no ${probe}`);
      continue;
    }
    if (check.path !== route) report(`${where}: ${probe} asks ${check.path}, not ${route}`);
    if (containerPortNumber(container, check.port) !== expected)
      report(`${where}: ${probe} does not probe port ${expected}`);
  }
}

/** preStop pause, then SIGTERM: the grace period must cover the pause, the job drain and closing. */
function checkDrain(app, deployment, container, config, report) {
  const where = `Deployment/${app}`;
  const command = container.lifecycle?.preStop?.exec?.command ?? [];
  const pause = command[0] === 'sleep' ? Number(command[1]) : NaN;
  if (!Number.isFinite(pause) || pause < 1) {
    report(`${where}: no preStop "sleep <seconds>" to let endpoints drop the pod before SIGTERM`);
    return;
  }
  const grace = deployment.spec.template.spec.terminationGracePeriodSeconds ?? 30;
  const drainSeconds =
    app === 'gateway'
      ? 0
      : Number(effectiveVariable(container, config, 'SHUTDOWN_GRACE_MS') ?? DEFAULT_SHUTDOWN_GRACE_MS) / 1000;
  // seconds left for closing queues, the database and the health port after the drain
  const closingSeconds = 5;
  if (grace < pause + drainSeconds + closingSeconds) {
    report(
      `${where}: terminationGracePeriodSeconds ${grace} is shorter than preStop ${pause} s + SHUTDOWN_GRACE_MS ` +
        `${drainSeconds} s + ${closingSeconds} s to close; the kubelet would kill active jobs`,
    );
  }
}

function minimumReplicas(objects, app) {
  const hpa = byKind(objects, 'HorizontalPodAutoscaler').find(
    (object) => object.spec.scaleTargetRef?.name === app,
  );
  if (hpa) return hpa.spec.minReplicas ?? 1;
  const scaledObject = byKind(objects, 'ScaledObject').find(
    (object) => object.spec.scaleTargetRef?.name === app,
  );
  return scaledObject?.spec.minReplicaCount ?? 0;
}

function checkAutoscaling(context, app, deployment, config, report) {
  const { objects } = context;
  const where = `Deployment/${app}`;
  const hpas = byKind(objects, 'HorizontalPodAutoscaler').filter(
    (object) => object.spec.scaleTargetRef?.name === app,
  );
  const scaledObjects = byKind(objects, 'ScaledObject').filter(
    (object) => object.spec.scaleTargetRef?.name === app,
  );
  if (app === 'gateway') {
    if (hpas.length !== 1 || scaledObjects.length !== 0)
      report(`${where}: needs exactly one HorizontalPodAutoscaler and no ScaledObject`);
    for (const hpa of hpas) {
      if (hpa.spec.scaleTargetRef.kind !== 'Deployment')
        report(`HorizontalPodAutoscaler/${hpa.metadata.name}: does not target a Deployment`);
      if ((hpa.spec.minReplicas ?? 1) > hpa.spec.maxReplicas)
        report(`HorizontalPodAutoscaler/${hpa.metadata.name}: minReplicas above maxReplicas`);
    }
  } else {
    if (scaledObjects.length !== 1 || hpas.length !== 0)
      report(`${where}: needs exactly one KEDA ScaledObject and no HorizontalPodAutoscaler`);
    for (const scaledObject of scaledObjects) checkScaledObject(context, app, scaledObject, config, report);
  }

  const pdbs = byKind(objects, 'PodDisruptionBudget').filter((object) =>
    selectorMatches(object.spec.selector, deployment.spec.template.metadata?.labels),
  );
  if (pdbs.length !== 1) {
    report(`${where}: expected one PodDisruptionBudget selecting its pods, found ${pdbs.length}`);
    return;
  }
  const { minAvailable } = pdbs[0].spec;
  if (context.overlay === 'production' && minAvailable === undefined) {
    report(`PodDisruptionBudget/${pdbs[0].metadata.name}: production sets minAvailable`);
  }
  const minimum = minimumReplicas(objects, app);
  if (Number.isInteger(minAvailable) && minAvailable >= minimum) {
    report(
      `PodDisruptionBudget/${pdbs[0].metadata.name}: minAvailable ${minAvailable} is not below the minimum of ` +
        `${minimum} replicas, so a node drain could never evict ${app}`,
    );
  }
}

function checkScaledObject(context, app, scaledObject, config, report) {
  const where = `ScaledObject/${scaledObject.metadata.name}`;
  const { spec } = scaledObject;
  const queue = context.appQueues[app];
  const prefix = config.QUEUE_PREFIX;
  if (!/^\{[^{}]+\}$/.test(prefix ?? '')) report(`QUEUE_PREFIX ${prefix} is not a Redis Cluster hash tag`);
  if ((spec.minReplicaCount ?? 0) < 1) {
    report(
      `${where}: minReplicaCount must be at least 1 (workers also promote delayed jobs; with none, they stay delayed)`,
    );
  }
  if ((spec.maxReplicaCount ?? 100) < (spec.minReplicaCount ?? 0))
    report(`${where}: maxReplicaCount below minReplicaCount`);
  const triggers = spec.triggers ?? [];
  const listNames = triggers.map((trigger) => trigger.metadata?.listName).sort();
  const expected = [`${prefix}:${queue}:prioritized`, `${prefix}:${queue}:wait`];
  if (JSON.stringify(listNames) !== JSON.stringify(expected)) {
    report(
      `${where}: reads ${listNames.join(', ')}; queue ${queue} keeps its waiting jobs in ${expected.join(' and ')}`,
    );
  }
  for (const trigger of triggers) {
    if (!['redis', 'redis-cluster', 'redis-sentinel'].includes(trigger.type))
      report(`${where}: trigger type ${trigger.type} is not a Redis list scaler`);
    const authentication = named(context.objects, 'TriggerAuthentication', trigger.authenticationRef?.name);
    if (!authentication) {
      report(
        `${where}: trigger ${trigger.name} has no TriggerAuthentication ${trigger.authenticationRef?.name ?? ''}`,
      );
      continue;
    }
    const parameters = (authentication.spec.secretTargetRef ?? []).map((reference) => reference.parameter);
    if (!parameters.includes('address') && !parameters.includes('addresses') && !trigger.metadata?.address) {
      report(`TriggerAuthentication/${authentication.metadata.name}: gives no Redis address`);
    }
  }
  const modifiers = spec.advanced?.scalingModifiers;
  if (modifiers) {
    const identifiers = new Set(modifiers.formula.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []);
    const names = new Set(triggers.map((trigger) => trigger.name));
    const unknown = [...identifiers].filter((identifier) => !names.has(identifier));
    const unused = [...names].filter((name) => !identifiers.has(name));
    if (unknown.length > 0 || unused.length > 0) {
      report(
        `${where}: formula "${modifiers.formula}" does not use exactly the triggers ${[...names].join(', ')}`,
      );
    }
  }
}

function checkMigrationJob(context, configMap, images, report) {
  const jobs = byKind(context.objects, 'Job');
  if (jobs.length !== 1) {
    report(`expected one migration Job, found ${jobs.length}`);
    return;
  }
  const job = jobs[0];
  checkWorkload(context, job, configMap, images, report);
  const container = job.spec.template.spec.containers?.[0];
  if (JSON.stringify(container?.command) !== JSON.stringify(['node', 'dist/scripts/migrate.js'])) {
    report(`Job/${job.metadata.name}: command is not node dist/scripts/migrate.js`);
  }
  if (!existsSync(path.join(context.repositoryRoot, 'scripts/migrate.ts')))
    report('scripts/migrate.ts is missing');
  if (job.spec.template.spec.restartPolicy !== 'Never')
    report(`Job/${job.metadata.name}: restartPolicy is not Never`);
  if (job.metadata.labels?.['map-offline.io/deploy-phase'] !== 'pre') {
    report(
      `Job/${job.metadata.name}: not labelled map-offline.io/deploy-phase=pre, so the first deploy step skips it`,
    );
  }
}

function commandMatchesApp(context, deployment, report) {
  const app = deployment.metadata.name;
  const command = deployment.spec.template.spec.containers?.[0]?.command ?? [];
  if (JSON.stringify(command) !== JSON.stringify(['node', `dist/apps/${app}/src/main.js`])) {
    report(`Deployment/${app}: command is not node dist/apps/${app}/src/main.js`);
  }
  if (!existsSync(path.join(context.repositoryRoot, `apps/${app}/src/main.ts`)))
    report(`apps/${app}/src/main.ts is missing`);
}

/** Every Secret key referenced exists in secret.example.yaml; no secret sits in the ConfigMap. */
function checkSecrets(context, config, report) {
  const exampleKeys = new Set(Object.keys(context.secretExample.stringData ?? {}));
  for (const deployment of byKind(context.objects, 'Deployment'))
    commandMatchesApp(context, deployment, report);
  for (const template of podTemplates(context.objects)) {
    for (const container of template.spec.containers ?? []) {
      for (const entry of container.env ?? []) {
        const reference = entry.valueFrom?.secretKeyRef;
        if (!reference) continue;
        if (reference.name !== SECRET_NAME)
          report(`${template.owner}: ${entry.name} reads Secret ${reference.name}, not ${SECRET_NAME}`);
        if (!exampleKeys.has(reference.key))
          report(
            `${template.owner}: Secret key ${reference.key} is not in k8s/base/shared/secret.example.yaml`,
          );
      }
    }
  }
  for (const authentication of byKind(context.objects, 'TriggerAuthentication')) {
    for (const reference of authentication.spec.secretTargetRef ?? []) {
      if (!exampleKeys.has(reference.key)) {
        report(
          `TriggerAuthentication/${authentication.metadata.name}: Secret key ${reference.key} is not in secret.example.yaml`,
        );
      }
    }
  }
  for (const key of exampleKeys) {
    if (Object.hasOwn(config, key)) report(`ConfigMap holds ${key}, which is a secret`);
  }
}

/**
 * Builds each container's environment as the kubelet would (ConfigMap, then its own env, secrets from the
 * example Secret) and parses it with libs/config: the overlay must boot every process.
 */
function checkConfigurationBoots(context, configMap, report) {
  const { configLibrary, secretExample } = context;
  const known = new Set(configLibrary.variableNames);
  const config = configMap?.data ?? {};
  for (const name of Object.keys(config)) {
    if (!known.has(name))
      report(`ConfigMap sets ${name}, which no process reads (libs/config/src/env-schema.ts)`);
  }
  for (const template of podTemplates(context.objects)) {
    const app = template.kind === 'Job' ? 'gateway' : template.name;
    for (const container of template.spec.containers ?? []) {
      const environment = { ...config };
      for (const entry of container.env ?? []) {
        if (!known.has(entry.name) && !NODE_RUNTIME_VARIABLES.has(entry.name)) {
          report(`${template.owner}: sets ${entry.name}, which no process reads`);
        }
        const reference = entry.valueFrom?.secretKeyRef;
        if (reference) {
          const value = secretExample.stringData?.[reference.key];
          if (value !== undefined) environment[entry.name] = value;
        } else if (entry.value !== undefined) {
          environment[entry.name] = entry.value;
        }
      }
      try {
        configLibrary.loadAppConfig(app, environment);
      } catch (error) {
        report(
          `${template.owner}: the process would refuse to start: ${String(error.message).replace(/\s+/g, ' ')}`,
        );
      }
    }
  }
}

function checkIngress(objects, report) {
  const ingresses = byKind(objects, 'Ingress');
  if (ingresses.length !== 1) report(`expected one Ingress, found ${ingresses.length}`);
  for (const ingress of ingresses) {
    const where = `Ingress/${ingress.metadata.name}`;
    if ((ingress.spec.tls ?? []).length === 0) report(`${where}: no TLS`);
    for (const rule of ingress.spec.rules ?? []) {
      for (const entry of rule.http?.paths ?? []) {
        if (!PUBLIC_PATHS.has(entry.path))
          report(`${where}: routes ${entry.path}; only ${[...PUBLIC_PATHS].join(', ')} are public`);
        if (entry.backend?.service?.name !== 'gateway')
          report(`${where}: ${entry.path} does not go to the gateway Service`);
      }
    }
  }
  const service = named(objects, 'Service', 'gateway');
  const gateway = named(objects, 'Deployment', 'gateway');
  if (!service) report('Service gateway is missing');
  else if (
    gateway &&
    !selectorMatches({ matchLabels: service.spec.selector }, gateway.spec.template.metadata.labels)
  ) {
    report('Service/gateway: does not select the gateway pods');
  }
  // /metrics is internal: no Service may lead to a health/metrics port (Prometheus scrapes the pods directly).
  const healthPorts = new Set(Object.values(HEALTH_PORTS));
  for (const each of byKind(objects, 'Service')) {
    for (const port of each.spec.ports ?? []) {
      const target = port.targetPort ?? port.port;
      if (target === 'health' || healthPorts.has(target))
        report(`Service/${each.metadata.name}: exposes the internal health/metrics port (${target})`);
    }
  }
}

function checkNetworkPolicies(context, report) {
  const { objects } = context;
  const policies = byKind(objects, 'NetworkPolicy');
  const defaultDeny = policies.some(
    (policy) =>
      Object.keys(policy.spec.podSelector ?? {}).length === 0 &&
      ['Ingress', 'Egress'].every((type) => (policy.spec.policyTypes ?? []).includes(type)) &&
      (policy.spec.ingress ?? []).length === 0 &&
      (policy.spec.egress ?? []).length === 0,
  );
  if (!defaultDeny) report('no default-deny NetworkPolicy (empty podSelector, Ingress and Egress, no rules)');

  for (const template of podTemplates(objects)) {
    const { labels, owner } = template;
    if (!egressAllows(objects, labels, 53, 'UDP'))
      report(`${owner}: no NetworkPolicy lets it resolve names (DNS, UDP 53)`);
    if (!egressAllows(objects, labels, 5432))
      report(`${owner}: no NetworkPolicy lets it reach PostgreSQL (5432)`);
    const app = labels['app.kubernetes.io/name'];
    if (!APPS.includes(app)) continue;
    if (!egressAllows(objects, labels, 6379)) report(`${owner}: no NetworkPolicy lets it reach Redis (6379)`);
    const port = HEALTH_PORTS[app];
    const scraped = policiesFor(objects, labels, 'Ingress').some((policy) =>
      (policy.spec.ingress ?? []).some(
        (rule) => portsInclude(rule.ports, port) && (rule.from ?? []).length > 0,
      ),
    );
    if (!scraped) report(`${owner}: no NetworkPolicy admits Prometheus to port ${port}`);
    for (const policy of policiesFor(objects, labels, 'Ingress')) {
      for (const rule of policy.spec.ingress ?? []) {
        if ((rule.from ?? []).length === 0)
          report(`NetworkPolicy/${policy.metadata.name}: admits ${app} traffic from anywhere`);
      }
    }
    if (app !== 'gateway' && context.overlay === 'production') {
      for (const policy of policiesFor(objects, labels, 'Egress')) {
        for (const rule of policy.spec.egress ?? []) {
          const open =
            (rule.to ?? []).length === 0 ||
            (rule.to ?? []).some((peer) => peer.ipBlock?.cidr === '0.0.0.0/0');
          if (open) report(`NetworkPolicy/${policy.metadata.name}: lets worker ${app} reach any address`);
        }
      }
    }
  }
  const gatewayLabels = named(objects, 'Deployment', 'gateway')?.spec.template.metadata.labels ?? {};
  const fromController = policiesFor(objects, gatewayLabels, 'Ingress').some((policy) =>
    (policy.spec.ingress ?? []).some(
      (rule) =>
        portsInclude(rule.ports, GATEWAY_PORT) && (rule.from ?? []).some((peer) => peer.namespaceSelector),
    ),
  );
  if (!fromController) report('no NetworkPolicy admits the ingress controller to the gateway');
}

/** Objects the migration Job needs exist before it: the first deploy step applies deploy-phase=pre only. */
function checkPreDeployPhase(objects, configMap, report) {
  const isPre = (object) => object?.metadata?.labels?.['map-offline.io/deploy-phase'] === 'pre';
  const needed = [
    ['Namespace', byKind(objects, 'Namespace')[0]],
    ['ConfigMap', configMap],
    ['ServiceAccount', named(objects, 'ServiceAccount', 'map-offline')],
    ['NetworkPolicy dns-egress', named(objects, 'NetworkPolicy', 'dns-egress')],
    ['NetworkPolicy datastores-egress', named(objects, 'NetworkPolicy', 'datastores-egress')],
  ];
  for (const [label, object] of needed) {
    if (!isPre(object))
      report(`${label} is not labelled map-offline.io/deploy-phase=pre, but the migration Job needs it`);
  }
}
