import { DomainError } from '../common/errors/domain-error';

/** Unknown, disabled, or not a webhook-capable connection: the vendor should stop sending. */
export class WebhookConnectionNotFoundError extends DomainError {
  readonly code = 'WEBHOOK_CONNECTION_NOT_FOUND';
  readonly httpStatus = 404;
}

/** The signature is missing, wrong, or outside the vendor's replay window. */
export class WebhookSignatureError extends DomainError {
  readonly code = 'WEBHOOK_SIGNATURE_INVALID';
  readonly httpStatus = 401;

  constructor(reason: string) {
    super(`Webhook signature rejected: ${reason}`);
  }
}

export class WebhookMediaTypeError extends DomainError {
  readonly code = 'WEBHOOK_UNSUPPORTED_MEDIA_TYPE';
  readonly httpStatus = 415;

  constructor(contentType: string | undefined) {
    super(
      `Webhook deliveries must be application/json or application/x-www-form-urlencoded, got ${contentType ? `"${contentType}"` : 'no Content-Type'}`,
    );
  }
}

/** Signed by the vendor but not a delivery the connector can read. */
export class MalformedWebhookError extends DomainError {
  readonly code = 'WEBHOOK_MALFORMED';
  readonly httpStatus = 400;

  constructor(reason: string) {
    super(`Webhook delivery could not be parsed: ${reason}`);
  }
}

/** Redis did not take the jobs: 503 so the vendor retries; nothing was acknowledged. */
export class WebhookQueueUnavailableError extends DomainError {
  readonly code = 'WEBHOOK_QUEUE_UNAVAILABLE';
  readonly httpStatus = 503;

  constructor(reason: string) {
    super(`Webhook not accepted, the queue is unavailable (${reason}); retry later`);
  }
}

export class WebhookMethodNotAllowedError extends DomainError {
  readonly code = 'WEBHOOK_METHOD_NOT_ALLOWED';
  readonly httpStatus = 405;
}
