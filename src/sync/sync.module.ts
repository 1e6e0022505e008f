import { Module } from '@nestjs/common';

/** Sync runs: triggering, schedules, the runs API. */
@Module({})
export class SyncModule {}
