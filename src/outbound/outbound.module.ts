import { Module } from '@nestjs/common';
import { PushStateRepository } from './push-state.repository';

/** What both processes need of the outbound path: the per-destination push state. */
@Module({
  providers: [PushStateRepository],
  exports: [PushStateRepository],
})
export class OutboundModule {}
