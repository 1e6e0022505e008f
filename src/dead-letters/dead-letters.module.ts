import { Module } from '@nestjs/common';

/** Jobs that exhausted their retries, kept in PostgreSQL with their payload for replay. */
@Module({})
export class DeadLettersModule {}
