import { Module } from '@nestjs/common';

/** Offline edit batch merging lands here with its job handlers. */
@Module({})
export class SyncMergeModule {}
