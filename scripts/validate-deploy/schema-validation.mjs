// Validates every rendered object against the Kubernetes OpenAPI schemas shipped by kubernetes-models, the KEDA
// and prometheus-operator CRD schemas of @kubernetes-models/keda and @kubernetes-models/prometheus-operator, and
// strict schemas of our own (crd-strict-schemas.mjs) for the custom resources, which the CRD schemas leave open.
import { createRequire } from 'node:module';
import path from 'node:path';
import Ajv from 'ajv';
import { STRICT_SCHEMAS } from './crd-strict-schemas.mjs';

const PACKAGE_OF_GROUP = {
  'keda.sh': '@kubernetes-models/keda',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
};

export function createSchemaValidator(repositoryRoot) {
  const requireFromRepository = createRequire(path.join(repositoryRoot, 'package.json'));
  // strictRequired off: the rule schema's oneOf names "alert" or "record", defined beside it, not inside.
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
  const strictValidators = new Map(
    Object.entries(STRICT_SCHEMAS).map(([kind, schema]) => [kind, ajv.compile(schema)]),
  );

  function modelClass(apiVersion, kind) {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    const packageName = PACKAGE_OF_GROUP[group] ?? 'kubernetes-models';
    const modulePath = group === '' ? `${packageName}/${version}` : `${packageName}/${group}/${version}`;
    try {
      return requireFromRepository(modulePath)[kind];
    } catch {
      return undefined;
    }
  }

  /** Problems of one object, each naming the object and the JSON path. */
  return function validateObject(object) {
    const label = `${object.kind ?? '?'}/${object.metadata?.name ?? '?'}`;
    if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') {
      return [`${label}: no apiVersion or kind`];
    }
    const Model = modelClass(object.apiVersion, object.kind);
    if (!Model)
      return [`${label}: no schema for ${object.apiVersion} ${object.kind}: refusing an unvalidated object`];
    const problems = [];
    try {
      new Model(structuredClone(object)).validate();
    } catch (error) {
      const details = error?.errors ?? [{ instancePath: '', message: error.message }];
      for (const detail of details)
        problems.push(`${label}: ${detail.instancePath || '/'} ${detail.message}`);
    }
    const strict = strictValidators.get(`${object.apiVersion}/${object.kind}`);
    if (strict && !strict(object)) {
      for (const detail of strict.errors) {
        const extra = detail.params?.additionalProperty ? ` (${detail.params.additionalProperty})` : '';
        problems.push(`${label}: ${detail.instancePath || '/'} ${detail.message}${extra} [strict schema]`);
      }
    }
    return problems;
  };
}
