import { registerEnumType } from '@nestjs/graphql';
import { ChangeOperation, ConflictKind, DeleteRule, FieldPolicy } from '@map-offline/crdt';

// The library's enums are the API's enums: one spelling from the device to the database.
registerEnumType(FieldPolicy, {
  name: 'ConflictPolicy',
  description: 'How concurrent writes of one field merge.',
  valuesMap: {
    AUTO_MERGE: { description: 'Different fields merge; the same field written differently is a conflict.' },
    LAST_WRITER_WINS: {
      description: 'The greatest hybrid timestamp wins (then the device id); no conflict.',
    },
    SERVER_WINS: { description: 'Server-side writers (office, imports, reviewers) beat field devices.' },
    CLIENT_WINS: { description: 'Field devices beat server-side writers.' },
    MANUAL: { description: 'Every concurrent change is held for review, even of different fields.' },
  },
});
registerEnumType(DeleteRule, {
  name: 'DeleteRule',
  description: 'What a delete concurrent with an update does.',
});
registerEnumType(ChangeOperation, { name: 'SyncChangeOp' });
registerEnumType(ConflictKind, { name: 'ConflictKind' });

export enum SyncOutcome {
  APPLIED = 'APPLIED',
  MERGED = 'MERGED',
  CONFLICT = 'CONFLICT',
  DUPLICATE = 'DUPLICATE',
  REJECTED = 'REJECTED',
}
registerEnumType(SyncOutcome, {
  name: 'SyncOutcome',
  description: 'What merging did with one change; never silent.',
  valuesMap: {
    APPLIED: { description: 'Causally after everything the server had: simply applied.' },
    MERGED: { description: 'Concurrent with other changes, merged without a conflict.' },
    CONFLICT: { description: 'Concurrent, and a field is now in conflict (see conflictIds).' },
    DUPLICATE: { description: 'Already applied (a retry or redelivery): nothing changed.' },
    REJECTED: { description: 'Invalid: not applied; reason says why.' },
  },
});

export enum SyncBatchStatus {
  QUEUED = 'queued',
  MERGED = 'merged',
  FAILED = 'failed',
}
registerEnumType(SyncBatchStatus, { name: 'SyncBatchStatus' });

export enum ConflictStatusValue {
  OPEN = 'OPEN',
  RESOLVED = 'RESOLVED',
  SUPERSEDED = 'SUPERSEDED',
}
registerEnumType(ConflictStatusValue, {
  name: 'ConflictStatus',
  valuesMap: {
    RESOLVED: { description: 'Closed by resolveConflict.' },
    SUPERSEDED: {
      description: 'Closed by later edits (a device that saw every version wrote the field again).',
    },
  },
});

export enum ConflictResolution {
  KEEP_SERVER = 'KEEP_SERVER',
  KEEP_DEVICE = 'KEEP_DEVICE',
  MERGED = 'MERGED',
}
registerEnumType(ConflictResolution, {
  name: 'ConflictResolution',
  valuesMap: {
    KEEP_SERVER: { description: 'Keep the version the server had when the conflicting change arrived.' },
    KEEP_DEVICE: { description: 'Keep the version of the device whose change opened the conflict.' },
    MERGED: {
      description: 'Write the field as given in `merged` (a feature: geometry, properties, deleted).',
    },
  },
});
