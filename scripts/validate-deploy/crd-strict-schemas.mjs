// Closed JSON Schemas for the custom resources, written here because no npm package ships closed ones: the CRD
// schemas in @kubernetes-models/keda (0.4.2, KEDA before 2.12: no scalingModifiers) and
// @kubernetes-models/prometheus-operator accept unknown fields, so a misspelt field would pass them silently.
// Field names follow KEDA's ScaledObject/TriggerAuthentication types (keda.sh/v1alpha1) and prometheus-operator's
// PrometheusRule/PodMonitor (monitoring.coreos.com/v1). They cover what these manifests use; extend them when a
// manifest needs another documented field.

const metadata = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
    namespace: { type: 'string' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
  },
  additionalProperties: false,
};

const integerString = { type: 'string', pattern: '^[0-9]+$' };
const booleanString = { type: 'string', enum: ['true', 'false'] };

/** The redis, redis-cluster and redis-sentinel triggers' metadata (KEDA "Redis Lists" scalers). */
const redisListMetadata = {
  type: 'object',
  required: ['listName', 'listLength'],
  properties: {
    listName: { type: 'string', minLength: 1 },
    listLength: integerString,
    activationListLength: integerString,
    databaseIndex: integerString,
    enableTLS: booleanString,
    unsafeSsl: booleanString,
    address: { type: 'string' },
    addresses: { type: 'string' },
    addressFromEnv: { type: 'string' },
    addressesFromEnv: { type: 'string' },
    usernameFromEnv: { type: 'string' },
    passwordFromEnv: { type: 'string' },
    sentinelMaster: { type: 'string' },
    sentinelMasterFromEnv: { type: 'string' },
  },
  additionalProperties: false,
};

const hpaBehavior = {
  type: 'object',
  properties: {
    scaleUp: { type: 'object' },
    scaleDown: { type: 'object' },
  },
  additionalProperties: false,
};

const scaledObject = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'keda.sh/v1alpha1' },
    kind: { const: 'ScaledObject' },
    metadata,
    spec: {
      type: 'object',
      required: ['scaleTargetRef', 'triggers'],
      properties: {
        scaleTargetRef: {
          type: 'object',
          required: ['name'],
          properties: {
            name: { type: 'string' },
            apiVersion: { type: 'string' },
            kind: { type: 'string' },
            envSourceContainerName: { type: 'string' },
          },
          additionalProperties: false,
        },
        pollingInterval: { type: 'integer', minimum: 1 },
        initialCooldownPeriod: { type: 'integer', minimum: 0 },
        cooldownPeriod: { type: 'integer', minimum: 0 },
        idleReplicaCount: { type: 'integer', minimum: 0 },
        minReplicaCount: { type: 'integer', minimum: 0 },
        maxReplicaCount: { type: 'integer', minimum: 1 },
        advanced: {
          type: 'object',
          properties: {
            restoreToOriginalReplicaCount: { type: 'boolean' },
            horizontalPodAutoscalerConfig: {
              type: 'object',
              properties: { name: { type: 'string' }, behavior: hpaBehavior },
              additionalProperties: false,
            },
            scalingModifiers: {
              type: 'object',
              required: ['formula', 'target'],
              properties: {
                formula: { type: 'string', minLength: 1 },
                target: { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?$' },
                activationTarget: { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?$' },
                metricType: { enum: ['AverageValue', 'Value'] },
              },
              additionalProperties: false,
            },
          },
          additionalProperties: false,
        },
        fallback: {
          type: 'object',
          required: ['failureThreshold', 'replicas'],
          properties: {
            failureThreshold: { type: 'integer', minimum: 0 },
            replicas: { type: 'integer', minimum: 0 },
            behavior: {
              enum: ['static', 'currentReplicas', 'currentReplicasIfHigher', 'currentReplicasIfLower'],
            },
          },
          additionalProperties: false,
        },
        triggers: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['type', 'metadata'],
            properties: {
              type: { enum: ['redis', 'redis-cluster', 'redis-sentinel'] },
              name: { type: 'string', pattern: '^[a-zA-Z][a-zA-Z0-9_]*$' },
              useCachedMetrics: { type: 'boolean' },
              metricType: { enum: ['AverageValue', 'Value'] },
              metadata: redisListMetadata,
              authenticationRef: {
                type: 'object',
                required: ['name'],
                properties: {
                  name: { type: 'string' },
                  kind: { enum: ['TriggerAuthentication', 'ClusterTriggerAuthentication'] },
                },
                additionalProperties: false,
              },
            },
            additionalProperties: false,
          },
        },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
};

const triggerAuthentication = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'keda.sh/v1alpha1' },
    kind: { const: 'TriggerAuthentication' },
    metadata,
    spec: {
      type: 'object',
      required: ['secretTargetRef'],
      properties: {
        secretTargetRef: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['parameter', 'name', 'key'],
            properties: {
              // the parameters the Redis scalers accept from a TriggerAuthentication
              parameter: {
                enum: [
                  'address',
                  'addresses',
                  'host',
                  'hosts',
                  'port',
                  'ports',
                  'username',
                  'password',
                  'sentinelUsername',
                  'sentinelPassword',
                  'sentinelMaster',
                  'tls',
                  'ca',
                  'cert',
                  'key',
                  'keyPassword',
                ],
              },
              name: { type: 'string' },
              key: { type: 'string' },
            },
            additionalProperties: false,
          },
        },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
};

const durationPattern =
  '^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$';

const prometheusRule = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'monitoring.coreos.com/v1' },
    kind: { const: 'PrometheusRule' },
    metadata,
    spec: {
      type: 'object',
      required: ['groups'],
      properties: {
        groups: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['name', 'rules'],
            properties: {
              name: { type: 'string', minLength: 1 },
              interval: { type: 'string', pattern: durationPattern },
              rules: {
                type: 'array',
                minItems: 1,
                items: {
                  type: 'object',
                  required: ['expr'],
                  oneOf: [{ required: ['alert'] }, { required: ['record'] }],
                  properties: {
                    alert: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9]*$' },
                    record: { type: 'string', pattern: '^[a-zA-Z_:][a-zA-Z0-9_:]*$' },
                    expr: { type: 'string', minLength: 1 },
                    for: { type: 'string', pattern: durationPattern },
                    keep_firing_for: { type: 'string', pattern: durationPattern },
                    labels: { type: 'object', additionalProperties: { type: 'string' } },
                    annotations: {
                      type: 'object',
                      required: ['summary', 'description', 'runbook_url'],
                      properties: {
                        summary: { type: 'string' },
                        description: { type: 'string' },
                        runbook_url: { type: 'string' },
                      },
                      additionalProperties: false,
                    },
                  },
                  additionalProperties: false,
                },
              },
            },
            additionalProperties: false,
          },
        },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
};

const podMonitor = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'monitoring.coreos.com/v1' },
    kind: { const: 'PodMonitor' },
    metadata,
    spec: {
      type: 'object',
      required: ['selector', 'podMetricsEndpoints'],
      properties: {
        selector: {
          type: 'object',
          properties: { matchLabels: { type: 'object', additionalProperties: { type: 'string' } } },
          additionalProperties: false,
        },
        podTargetLabels: { type: 'array', items: { type: 'string' } },
        podMetricsEndpoints: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['port', 'path'],
            properties: {
              port: { type: 'string' },
              path: { type: 'string', pattern: '^/' },
              interval: { type: 'string', pattern: durationPattern },
              scrapeTimeout: { type: 'string', pattern: durationPattern },
            },
            additionalProperties: false,
          },
        },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
};

/** Keyed by "apiVersion/kind". */
export const STRICT_SCHEMAS = {
  'keda.sh/v1alpha1/ScaledObject': scaledObject,
  'keda.sh/v1alpha1/TriggerAuthentication': triggerAuthentication,
  'monitoring.coreos.com/v1/PrometheusRule': prometheusRule,
  'monitoring.coreos.com/v1/PodMonitor': podMonitor,
};
