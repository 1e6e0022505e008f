/**
 * Mailchimp email-marketing connector (Marketing API 3.0, audience members), both
 * directions. Plain data plus functions; no NestJS.
 */
import { defineConnector } from '../../src/connector-sdk';
import { checkMailchimp } from './check';
import { eraseMembers } from './erase';
import { fetchMembers } from './fetch';
import { mailchimpHttp } from './http';
import { mailchimpManifest } from './manifest';
import { mapMember } from './map-in';
import { parseMailchimpWebhook } from './parse-webhook';
import { MEMBERS_PAGE_SIZE } from './paths';
import { readMembers } from './read';
import type { MailchimpConfig, MailchimpCredentials, MailchimpMember } from './types';
import { answerMailchimpWebhookGet, verifyMailchimpWebhook } from './webhook-token';
import { writeMembers } from './write';

export interface MailchimpConnectorOptions {
  /** Members per read request. Mailchimp's maximum is 1000; tests use small pages. */
  pageSize?: number;
  /** The clock that places a read's window; tests move it. */
  now?: () => number;
}

export function createMailchimpConnector(options: MailchimpConnectorOptions = {}) {
  const pageSize = options.pageSize ?? MEMBERS_PAGE_SIZE;
  return defineConnector<MailchimpConfig, MailchimpCredentials, MailchimpMember>({
    manifest: mailchimpManifest,
    http: mailchimpHttp,
    check: checkMailchimp,
    read: (ctx, request) => readMembers(ctx, request, pageSize, options.now),
    fetch: fetchMembers,
    mapIn: mapMember,
    write: writeMembers,
    erase: eraseMembers,
    verifyWebhook: verifyMailchimpWebhook,
    parseWebhook: parseMailchimpWebhook,
    answerWebhookGet: answerMailchimpWebhookGet,
  });
}

export const connector = createMailchimpConnector();
export default connector;
export { mapOut } from './map-out';
export { subscriberHash } from './subscriber-hash';
export { WEBHOOK_TOKEN_PARAM } from './webhook-token';
export type { MailchimpConfig, MailchimpCredentials, MailchimpMember } from './types';
