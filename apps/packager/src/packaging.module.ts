import { Module } from '@nestjs/common';

/** Offline package builds (MBTiles, PMTiles, CyberTracker zips) land here with their job handlers. */
@Module({})
export class PackagingModule {}
