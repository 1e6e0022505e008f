import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { DeadLetterRepository } from './dead-letter.repository';
import { DeadLetterSweeper } from './dead-letter-sweeper';
import { DeadLettersController } from './dead-letters.controller';
import { DeadLettersService } from './dead-letters.service';

/**
 * Jobs that exhausted their retries, kept in PostgreSQL with their payload for replay. The
 * worker's housekeeping sweeps failed jobs here; listing sweeps too.
 */
@Module({
  imports: [ConnectionsModule],
  controllers: [DeadLettersController],
  providers: [DeadLetterRepository, DeadLetterSweeper, DeadLettersService],
  exports: [DeadLettersService, DeadLetterSweeper],
})
export class DeadLettersModule {}
