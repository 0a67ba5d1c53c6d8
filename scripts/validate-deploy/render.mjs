// Renders a kustomization with `kubectl kustomize` and compares the renders of different kubectl versions.
import { spawnSync } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import yaml from 'js-yaml';

// Newer kustomize warns about the v2 field names the kustomizations keep for Debian's kubectl 1.20.
const KNOWN_DEPRECATION = /^# Warning: '(bases|patchesStrategicMerge|commonLabels|vars)' is deprecated/;

export function renderKustomization(kubectl, directory) {
  const result = spawnSync(kubectl, ['kustomize', directory], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const warnings = result.stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !KNOWN_DEPRECATION.test(line));
  if (result.status !== 0) {
    return {
      objects: [],
      problems: [`kubectl kustomize ${directory} failed: ${warnings.join(' ') || result.status}`],
    };
  }
  const objects = yaml
    .loadAll(result.stdout)
    .filter((document) => document !== null && document !== undefined);
  return { objects, problems: warnings.map((warning) => `kubectl kustomize ${directory}: ${warning}`) };
}

const GENERATED_NAME = /^(.+)-([a-z0-9]{10})$/;

/**
 * Makes two renders comparable: generated ConfigMap/Secret names lose their content hash (kustomize versions
 * hash differently), empty label/annotation maps go, and env lists are sorted (patch merges order them
 * differently; order matters only for $(VAR) references, which the manifests do not use).
 */
export function normalizeForComparison(objects) {
  const renames = new Map();
  for (const object of objects) {
    if (object.kind !== 'ConfigMap' && object.kind !== 'Secret') continue;
    const match = GENERATED_NAME.exec(object.metadata?.name ?? '');
    if (match) renames.set(object.metadata.name, `${match[1]}-<hash>`);
  }
  let text = JSON.stringify(objects);
  for (const [from, to] of renames) text = text.split(`"${from}"`).join(`"${to}"`);
  const normalized = JSON.parse(text, (key, value) => {
    if ((key === 'labels' || key === 'annotations') && value && Object.keys(value).length === 0)
      return undefined;
    if (key === 'env' && Array.isArray(value)) return [...value].sort((a, b) => a.name.localeCompare(b.name));
    return value;
  });
  const identity = (object) => `${object.kind}/${object.metadata?.namespace ?? ''}/${object.metadata?.name}`;
  return normalized.sort((a, b) => identity(a).localeCompare(identity(b)));
}

/** Problems when two kubectl versions render different objects. */
export function compareRenders(target, [firstLabel, firstObjects], [secondLabel, secondObjects]) {
  const first = normalizeForComparison(firstObjects);
  const second = normalizeForComparison(secondObjects);
  if (isDeepStrictEqual(first, second)) return [];
  const identity = (object) => `${object.kind}/${object.metadata?.name}`;
  const firstById = new Map(first.map((object) => [identity(object), object]));
  const secondById = new Map(second.map((object) => [identity(object), object]));
  const problems = [];
  for (const id of new Set([...firstById.keys(), ...secondById.keys()])) {
    if (!isDeepStrictEqual(firstById.get(id), secondById.get(id))) {
      problems.push(`${target}: ${id} renders differently with ${firstLabel} and ${secondLabel}`);
    }
  }
  return problems;
}
