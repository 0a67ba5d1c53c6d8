import { InitialSchema1763800000000 } from './1763800000000-initial-schema';
import { OfflineEditSync1764200000000 } from './1764200000000-offline-edit-sync';
import { OfflinePackages1764300000000 } from './1764300000000-offline-packages';
import { SyncUncompressedStates1764400000000 } from './1764400000000-sync-uncompressed-states';
import { SyncJsonColumns1764500000000 } from './1764500000000-sync-json-columns';
import { SyncBatchJsonColumns1764600000000 } from './1764600000000-sync-batch-json-columns';
import { SyncConflictJsonColumns1764700000000 } from './1764700000000-sync-conflict-json-columns';

// Every migration that ships, oldest first. TypeORM records applied ones in the migrations table.
export const MIGRATIONS = [
  InitialSchema1763800000000,
  OfflineEditSync1764200000000,
  OfflinePackages1764300000000,
  SyncUncompressedStates1764400000000,
  SyncJsonColumns1764500000000,
  SyncBatchJsonColumns1764600000000,
  SyncConflictJsonColumns1764700000000,
];
