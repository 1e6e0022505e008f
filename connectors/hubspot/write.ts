import type { ConnectorContext, WriteItem, WriteResult } from '../../src/connector-sdk';
import { readBatchAnswer, type BatchEntry } from './batch-answer';
import { describeHubspotError } from './errors';
import { mapOut } from './map-out';
import {
  BATCH_WRITE_MAX_INPUTS,
  CONTACTS_BATCH_UPDATE_PATH,
  CONTACTS_BATCH_UPSERT_PATH,
} from './properties';
import type {
  HubspotBatchWriteInput,
  HubspotBatchWriteResponse,
  HubspotConfig,
  HubspotCredentials,
} from './types';
import { slices, uniqueRounds } from './unique-rounds';

type Ctx = ConnectorContext<HubspotConfig, HubspotCredentials>;

/**
 * Answers that refuse a whole batch (validation, conflicts): the inputs to blame are found
 * and the rest go again. Anything else (401, 403, 429, 5xx) fails the call.
 */
const REFUSALS = [400, 409, 422];
const NO_EMAIL =
  'HubSpot matches contacts by email; a profile without one is not created (a retried create could not find it again and would duplicate it)';

interface Pending {
  item: WriteItem;
  input: HubspotBatchWriteInput;
  entry: BatchEntry;
}

interface Batches {
  path: string;
  results: Map<string, WriteResult>;
  /** Updates of record ids HubSpot no longer has. */
  gone: Pending[];
}

/**
 * Contacts HubSpot's id is known for (from a read, a webhook or our last write) go to
 * `batch/update` with only the changed properties: by id, so an email change follows the
 * person and nothing else is touched. The others go to `batch/upsert` by email
 * (`idProperty: "email"`) with every mapped property: it creates the contact or updates the
 * one holding that email, so a retried create after a crash or a 429 never duplicates it.
 * A contact deleted or merged away in HubSpot since (the update finds no record) is upserted
 * by email instead: the profile still pushes here.
 *
 * Each input carries the profile id as `objectWriteTraceId`, which HubSpot echoes on its
 * result; per-input failures come back in a 207's `errors`. Batches HubSpot refuses as a whole
 * (400) are taken apart (see `submit`) so that a rejected record fails alone.
 */
export async function writeContacts(ctx: Ctx, batch: WriteItem[]): Promise<WriteResult[]> {
  const results = new Map<string, WriteResult>();
  const updates: Pending[] = [];
  const upserts: Pending[] = [];
  for (const item of batch) {
    if (isRecordId(item.externalId)) {
      const values = { ...item.fields, ...item.changed };
      const properties = mapOut(values, { keys: Object.keys(item.changed), clear: true });
      if (Object.keys(properties).length === 0) {
        results.set(item.profileId, written(item, item.externalId));
      } else {
        updates.push(updateOf(item, item.externalId, properties));
      }
      continue;
    }
    const upsert = upsertOf(item);
    if (upsert) upserts.push(upsert);
    else results.set(item.profileId, rejected(item, NO_EMAIL));
  }

  const updated: Batches = { path: CONTACTS_BATCH_UPDATE_PATH, results, gone: [] };
  await sendAll(ctx, updates, updated);
  for (const { item, entry } of updated.gone) {
    ctx.logger.info('HubSpot contact no longer exists; writing it again by email', {
      contactId: entry.key,
    });
    const upsert = upsertOf(item);
    if (upsert) upserts.push(upsert);
    else results.set(item.profileId, rejected(item, `Contact ${entry.key} is gone. ${NO_EMAIL}`));
  }
  await sendAll(ctx, upserts, { path: CONTACTS_BATCH_UPSERT_PATH, results, gone: [] });

  return batch.map(
    (item) =>
      results.get(item.profileId) ?? {
        profileId: item.profileId,
        ok: false,
        retryable: true,
        error: 'HubSpot returned no result for this contact',
      },
  );
}

async function sendAll(ctx: Ctx, pending: Pending[], batches: Batches): Promise<void> {
  for (const round of uniqueRounds(pending, (p) => p.entry.key)) {
    for (const group of slices(round, BATCH_WRITE_MAX_INPUTS)) await submit(ctx, group, batches);
  }
}

/**
 * Sends one batch and settles every input HubSpot's answer settles. Inputs it left unsettled
 * (not written: the batch was refused, or the answer is silent about them) go again: without
 * the rejected ones when some were identified, otherwise in two halves, down to one input,
 * whose refusal is then its own. A batch refused for one bad record costs two requests when
 * HubSpot names the record (it quotes an invalid email), about 2·log2(n) when it does not.
 */
async function submit(ctx: Ctx, group: Pending[], batches: Batches): Promise<void> {
  const response = await ctx.http.request<HubspotBatchWriteResponse>({
    method: 'POST',
    path: batches.path,
    body: { inputs: group.map((p) => p.input) },
    acceptStatuses: [207, ...REFUSALS],
  });
  const { outcomes, unresolved } = readBatchAnswer(
    group.map((p) => p.entry),
    response.status,
    response.data,
  );
  for (const pending of group) {
    const outcome = outcomes.get(pending.entry.traceId);
    if (!outcome) continue;
    const { item } = pending;
    if (outcome.kind === 'written') batches.results.set(item.profileId, written(item, outcome.id));
    else if (outcome.kind === 'not-found' && batches.path === CONTACTS_BATCH_UPDATE_PATH) {
      batches.gone.push(pending);
    } else batches.results.set(item.profileId, rejected(item, outcome.error));
  }
  if (unresolved.length === 0) return;

  const left = group.filter((p) => unresolved.includes(p.entry));
  if (left.length < group.length) return submit(ctx, left, batches);
  if (group.length > 1) {
    const half = Math.ceil(group.length / 2);
    await submit(ctx, group.slice(0, half), batches);
    return submit(ctx, group.slice(half), batches);
  }
  const [{ item }] = group;
  // A refusal of this input alone is its own. An acceptance that does not report it leaves
  // unknown whether it landed: it is tried again later.
  const outcome =
    response.status >= 300
      ? rejected(item, describeHubspotError(response.status, response.data))
      : {
          profileId: item.profileId,
          ok: false,
          retryable: true,
          error: 'HubSpot returned no result for this contact',
        };
  batches.results.set(item.profileId, outcome);
}

function updateOf(item: WriteItem, id: string, properties: Record<string, string>): Pending {
  return {
    item,
    input: { id, properties, objectWriteTraceId: item.profileId },
    entry: {
      traceId: item.profileId,
      key: id,
      emails: properties.email ? [properties.email.trim().toLowerCase()] : [],
      propertyNames: Object.keys(properties),
    },
  };
}

/** Undefined when the profile has no email to upsert by. */
function upsertOf(item: WriteItem): Pending | undefined {
  const email = typeof item.fields.email === 'string' ? item.fields.email.trim() : '';
  if (!email) return undefined;
  // The email is the input's `id`; HubSpot sets the property from it on a create.
  const { email: _email, ...properties } = mapOut(item.fields, { clear: false });
  return {
    item,
    input: { idProperty: 'email', id: email, properties, objectWriteTraceId: item.profileId },
    entry: {
      traceId: item.profileId,
      key: email.toLowerCase(),
      emails: [email.toLowerCase()],
      propertyNames: Object.keys(properties),
    },
  };
}

function isRecordId(id: string | undefined): id is string {
  return id !== undefined && /^\d+$/.test(id);
}

function written(item: WriteItem, id: string): WriteResult {
  return { profileId: item.profileId, ok: true, externalId: id };
}

function rejected(item: WriteItem, error: string): WriteResult {
  return { profileId: item.profileId, ok: false, retryable: false, error };
}
