import { Module } from '@nestjs/common';

/** Worker side of inbound webhooks: the `webhooks` queue consumer. */
@Module({})
export class WebhooksWorkerModule {}
