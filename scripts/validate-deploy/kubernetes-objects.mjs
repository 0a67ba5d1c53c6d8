// Small helpers over rendered Kubernetes objects.

export const byKind = (objects, kind) => objects.filter((object) => object.kind === kind);

export const named = (objects, kind, name) =>
  objects.find((object) => object.kind === kind && object.metadata?.name === name);

/** Does a label selector (matchLabels + matchExpressions) select these labels? */
export function selectorMatches(selector, labels = {}) {
  if (!selector) return false;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const expression of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, expression.key);
    const value = labels[expression.key];
    const values = expression.values ?? [];
    if (expression.operator === 'In' && !(has && values.includes(value))) return false;
    if (expression.operator === 'NotIn' && has && values.includes(value)) return false;
    if (expression.operator === 'Exists' && !has) return false;
    if (expression.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** Kubernetes quantities of memory in MiB ("512Mi", "1Gi", "1000M"). */
export function memoryMebibytes(quantity) {
  const match = /^([0-9.]+)(Ki|Mi|Gi|Ti|K|M|G|T)?$/.exec(String(quantity ?? ''));
  if (!match) return undefined;
  const factors = {
    Ki: 1 / 1024,
    Mi: 1,
    Gi: 1024,
    Ti: 1024 ** 2,
    K: 1e3 / 1024 ** 2,
    M: 1e6 / 1024 ** 2,
    G: 1e9 / 1024 ** 2,
    T: 1e12 / 1024 ** 2,
  };
  return Number(match[1]) * (match[2] ? factors[match[2]] : 1 / 1024 ** 2);
}

/** Pod templates of the workloads: [{ owner: "Deployment/gateway", kind, name, pod: {labels, spec} }]. */
export function podTemplates(objects) {
  return objects
    .filter((object) => ['Deployment', 'Job', 'StatefulSet', 'DaemonSet'].includes(object.kind))
    .map((object) => ({
      owner: `${object.kind}/${object.metadata.name}`,
      kind: object.kind,
      name: object.metadata.name,
      labels: object.spec?.template?.metadata?.labels ?? {},
      spec: object.spec?.template?.spec ?? {},
    }));
}

/** The NetworkPolicies that select a pod with these labels, for one direction. */
export function policiesFor(objects, labels, policyType) {
  return byKind(objects, 'NetworkPolicy').filter(
    (policy) =>
      (policy.spec?.policyTypes ?? ['Ingress']).includes(policyType) &&
      (Object.keys(policy.spec?.podSelector ?? {}).length === 0 ||
        selectorMatches(policy.spec.podSelector, labels)),
  );
}

/** Does some policy allow this pod egress on the port and protocol (to any peer listed)? */
export function egressAllows(objects, labels, port, protocol = 'TCP') {
  return policiesFor(objects, labels, 'Egress').some((policy) =>
    (policy.spec.egress ?? []).some((rule) => portsInclude(rule.ports, port, protocol)),
  );
}

export function portsInclude(ports, port, protocol = 'TCP') {
  if (!ports || ports.length === 0) return true;
  return ports.some(
    (entry) => (entry.protocol ?? 'TCP') === protocol && (entry.port === undefined || entry.port === port),
  );
}
