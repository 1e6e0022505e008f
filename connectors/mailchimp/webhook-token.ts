import { createHash } from 'node:crypto';
import {
  signaturesMatch,
  type WebhookGetAnswer,
  type WebhookRequest,
  type WebhookVerification,
} from '../../src/connector-sdk';
import { formObject, formText, parseFormBody } from './form-body';
import type { MailchimpConfig, MailchimpCredentials } from './types';

/**
 * Mailchimp signs nothing. Its documented advice is a secret in the webhook URL, checked on
 * every request: Syncline's is the `token` query parameter, so the webhook is registered as
 * `PUBLIC_URL/webhooks/{connectionId}?token={webhookToken}`.
 */
export const WEBHOOK_TOKEN_PARAM = 'token';

type Ctx = { config: MailchimpConfig; credentials: MailchimpCredentials };

/**
 * The URL token, then the audience: a delivery about another audience (a webhook of another
 * list pointed at this URL) must not update this connection's members, whose ids (hashes of
 * the address) are the same in every audience.
 */
export function verifyMailchimpWebhook(request: WebhookRequest, ctx: Ctx): WebhookVerification {
  const token = checkToken(request, ctx.credentials);
  if (!token.ok) return token;
  const listId = formText(
    formObject(parseFormBody(request.rawBody.toString('utf8')), 'data'),
    'list_id',
  );
  if (listId && listId !== ctx.config.listId) {
    return {
      ok: false,
      reason: `Delivery is about audience ${listId}; this connection reads audience ${ctx.config.listId}`,
    };
  }
  return { ok: true };
}

/** Mailchimp checks a new webhook URL with a GET and saves the webhook only on a 200. */
export function answerMailchimpWebhookGet(request: WebhookRequest, ctx: Ctx): WebhookGetAnswer {
  const token = checkToken(request, ctx.credentials);
  return token.ok ? { status: 200 } : { status: 401, body: { message: token.reason } };
}

function checkToken(
  request: WebhookRequest,
  credentials: MailchimpCredentials,
): WebhookVerification {
  const expected = credentials.webhookToken;
  if (!expected) return { ok: false, reason: 'No webhook token configured for this connection' };
  const given = tokenOf(request.url);
  if (given === undefined) {
    return { ok: false, reason: `The webhook URL has no ?${WEBHOOK_TOKEN_PARAM}= parameter` };
  }
  // Digests have one length, so comparing them reveals nothing about the token's length.
  return signaturesMatch(digest(given), digest(expected))
    ? { ok: true }
    : { ok: false, reason: 'Invalid webhook token' };
}

function tokenOf(url: string): string | undefined {
  try {
    return new URL(url, 'http://localhost').searchParams.get(WEBHOOK_TOKEN_PARAM) ?? undefined;
  } catch {
    return undefined;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
