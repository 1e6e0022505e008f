import { ApiProperty } from '@nestjs/swagger';
import type { WebhookReceipt } from '../webhook-receiver.service';

export class WebhookReceiptDto implements WebhookReceipt {
  @ApiProperty({
    description:
      'Events in the delivery that the connector handles (others, e.g. unsubscribed topics, are ignored).',
    example: 1,
  })
  received!: number;

  @ApiProperty({
    description: 'Events already received within the last 25 h (vendor retries): not queued again.',
    example: 0,
  })
  duplicates!: number;
}
