import { chunk } from '../common/collections/chunk';
import { Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { ConnectorRegistry } from '../connector-registry/connector-registry';
import type {
  Connector,
  SkippedField,
  VendorFields,
  WriteItem,
} from '../connector-sdk/connector.types';
import { ConnectionsService } from '../connections/connections.service';
import { stableJson } from '../profiles/ingest/stable-json';
import { ErasePropagator } from './erase-propagator.service';
import { isDatabaseUnreachable } from '../queues/database-outage';
import { changedFields, effectiveMapping, mappedTraitParts, mapTraits } from './field-mapping';
import { recordSent, SentTraitParts, SentValues } from '../profiles/survivorship/sent-values';
import { readProvenance } from '../profiles/survivorship/stored-provenance';
import {
  HeldRecord,
  PushState,
  PushStateRepository,
  PushStateWrite,
  PushTarget,
} from './push-state.repository';

export type PushOutcome =
  | { kind: 'written'; fields: string[]; skipped?: SkippedField[] }
  | { kind: 'unchanged' }
  | { kind: 'skipped'; reason: string }
  | { kind: 'rejected'; error: string }
  | { kind: 'retry'; error: string };

/**
 * Brings one destination up to date with some profiles: maps each profile's traits to the
 * destination's fields, compares them with what the destination holds (what we last wrote,
 * or what it last sent us if that is newer), and writes only the fields that differ. That
 * comparison is what stops echoes: a value the destination already holds is never sent, so
 * a write that comes back through its webhook or next sync causes nothing further.
 */
@Injectable()
export class ProfilePusher {
  private readonly logger = new Logger(ProfilePusher.name);

  constructor(
    private readonly connections: ConnectionsService,
    private readonly registry: ConnectorRegistry,
    private readonly states: PushStateRepository,
    private readonly eraser: ErasePropagator,
  ) {}

  async push(connectionId: string, profileIds: string[]): Promise<Map<string, PushOutcome>> {
    const outcomes = new Map<string, PushOutcome>();
    const skipAll = (reason: string) => {
      for (const id of profileIds) outcomes.set(id, { kind: 'skipped', reason });
      return outcomes;
    };
    const opened = await this.connections.openIfExists(connectionId);
    if (!opened) return skipAll('connection deleted');
    const { connection } = opened;
    if (!connection.enabled || connection.direction === 'pull') {
      return skipAll('connection does not receive profiles');
    }
    const connector = this.registry.get(connection.connector);
    if (!connector.write) return skipAll(`${connector.manifest.displayName} cannot write`);
    const mapping = effectiveMapping(connector.manifest.defaultMapping, connection.mapping);

    // A merged id pushes its survivor; a closed profile has nothing to push.
    const profiles = await this.states.profiles(profileIds);
    const targets = new Map(profiles.map((profile) => [profile.id, profile]));
    const survivorOf = (id: string) => {
      const profile = targets.get(id);
      return profile?.status === 'merged' ? (profile.mergedInto ?? id) : id;
    };
    const survivorIds = [...new Set(profileIds.map(survivorOf))];
    const survivorsToLoad = survivorIds.filter((id) => !targets.has(id));
    if (survivorsToLoad.length > 0) {
      for (const profile of await this.states.profiles(survivorsToLoad)) {
        targets.set(profile.id, profile);
      }
    }
    const states = await this.states.states(connectionId, survivorIds);
    const held = await this.states.heldRecords(
      connectionId,
      survivorIds.map((id) => ({ profileId: id, externalId: states.get(id)?.externalId ?? null })),
    );

    const writes: WriteItem[] = [];
    const bases = new Map<string, VendorFields>();
    const unchanged: PushStateWrite[] = [];
    const survivorOutcome = new Map<string, PushOutcome>();
    // Profiles erased while a push of them was under way (see `eraseAfterRace`).
    const erased = new Set<string>();
    for (const id of survivorIds) {
      const profile = targets.get(id);
      if (!profile && states.has(id)) {
        // Gone, yet still held here: an earlier push's erase did not finish. Finish it.
        erased.add(id);
        continue;
      }
      if (!profile || profile.status !== 'active') {
        survivorOutcome.set(id, { kind: 'skipped', reason: 'profile is not active' });
        continue;
      }
      const wanted = mapTraits(mapping, profile.traits);
      const state = states.get(id);
      const record = held.get(id);
      const base = heldFields(mapping, state, record);
      const changed = changedFields(wanted, base);
      const externalId = state?.externalId ?? record?.externalId ?? undefined;
      if (Object.keys(changed).length === 0) {
        survivorOutcome.set(id, { kind: 'unchanged' });
        // Remember what the destination holds, so an erase later knows whom to delete; no
        // write when that is already what the state says.
        if (
          !state ||
          state.externalId !== (externalId ?? null) ||
          stableJson(state.fields) !== stableJson(base)
        ) {
          unchanged.push({
            profileId: id,
            externalId: externalId ?? null,
            fields: base,
            status: state?.status ?? 'ok',
            error: state?.error ?? null,
            pushedAt: null,
          });
        }
        continue;
      }
      bases.set(id, { ...base, ...wanted });
      writes.push({ profileId: id, externalId, fields: wanted, changed, held: base });
    }
    for (const id of await this.states.save(connectionId, unchanged)) erased.add(id);

    // Most pushes write nothing (an echo, an unchanged profile): no need to read what was sent.
    const sentBefore =
      writes.length > 0
        ? await this.states.sentValues(
            connectionId,
            writes.map((item) => item.profileId),
          )
        : new Map<string, SentValues>();
    const sentParts = mappedTraitParts(mapping);
    for (const batch of chunk(writes, connector.manifest.writeBatchSize ?? 1)) {
      await this.recordSent(connectionId, batch, targets, sentBefore, sentParts);
      const results = await this.write(connector, opened, batch);
      const saved: PushStateWrite[] = [];
      for (const item of batch) {
        const result = results.get(item.profileId);
        const state = states.get(item.profileId);
        if (result?.ok) {
          const skipped = result.skippedFields ?? [];
          const isSkipped = (field: string) => skipped.some((s) => s.field === field);
          survivorOutcome.set(item.profileId, {
            kind: 'written',
            fields: Object.keys(item.changed).filter((field) => !isSkipped(field)),
            ...(skipped.length > 0 ? { skipped } : {}),
          });
          saved.push({
            profileId: item.profileId,
            externalId: result.externalId ?? item.externalId ?? null,
            fields: withoutSkipped(bases.get(item.profileId) ?? item.fields, item.held, skipped),
            status: 'ok',
            // Written, yet not whole: the admin sees what the destination refused, and why.
            error:
              skipped.length > 0
                ? skipped.map((s) => `${s.field} not written: ${s.reason}`).join('; ')
                : null,
            pushedAt: new Date(),
          });
          continue;
        }
        const error = result?.error ?? 'the connector returned no result for this profile';
        survivorOutcome.set(
          item.profileId,
          result && result.retryable === false
            ? { kind: 'rejected', error }
            : { kind: 'retry', error },
        );
        saved.push({
          profileId: item.profileId,
          externalId: state?.externalId ?? item.externalId ?? null,
          // The failed write changed nothing: keep the old base so the next try sends it all.
          fields: state?.fields ?? {},
          status: 'failed',
          error,
          pushedAt: null,
        });
      }
      for (const id of await this.states.save(connectionId, saved)) erased.add(id);
    }
    for (const id of erased) {
      survivorOutcome.set(id, await this.eraseAfterRace(connectionId, id));
    }

    for (const id of profileIds) {
      outcomes.set(id, survivorOutcome.get(survivorOf(id)) ?? { kind: 'unchanged' });
    }
    return outcomes;
  }

  /**
   * A profile erased while it was pushed: the erase found no state here yet (or deleted the
   * person before our write re-created them), so the write may have put the person back at the
   * destination. Deletes them there (or forgets them where erases are not propagated) like
   * the erase job would have. A failure retries the push job, which comes back here; an
   * unreachable database is thrown as it is, so the job waits for it without spending an attempt.
   */
  private async eraseAfterRace(connectionId: string, profileId: string): Promise<PushOutcome> {
    try {
      await this.eraser.erase(connectionId, profileId);
      return { kind: 'skipped', reason: 'profile was erased' };
    } catch (error) {
      if (isDatabaseUnreachable(error)) throw error;
      const message = error instanceof Error ? error.message : String(error);
      return error instanceof UnrecoverableError
        ? { kind: 'rejected', error: message }
        : { kind: 'retry', error: message };
    }
  }

  /**
   * Remembers the canonical values a write is about to send, with their origin's time, so that
   * when the destination hands them back they are recognised as ours (sent-values.ts).
   */
  private async recordSent(
    connectionId: string,
    batch: WriteItem[],
    targets: Map<string, PushTarget>,
    sentBefore: Map<string, SentValues>,
    parts: SentTraitParts,
  ): Promise<void> {
    const sentAt = new Date().toISOString();
    const rows: { profileId: string; traits: SentValues }[] = [];
    for (const item of batch) {
      const profile = targets.get(item.profileId);
      if (!profile) continue;
      const provenance = readProvenance(profile.provenance);
      const before = sentBefore.get(item.profileId);
      // A value that came from this destination is its own when it comes back, not an echo.
      const originTime = (name: string) =>
        provenance[name]?.connectionId === connectionId ? undefined : provenance[name]?.updatedAt;
      const traits = recordSent(before, profile.traits, parts, originTime, sentAt);
      if (stableJson(traits) !== stableJson(before ?? {})) {
        rows.push({ profileId: item.profileId, traits });
      }
    }
    await this.states.recordSent(connectionId, rows);
  }

  private async write(
    connector: Connector,
    opened: Awaited<ReturnType<ConnectionsService['open']>>,
    batch: WriteItem[],
  ) {
    const results = await connector.write!(this.connections.context(opened), batch);
    this.logger.debug(
      { connectionId: opened.connection.id, written: results.filter((r) => r.ok).length },
      'profiles written',
    );
    return new Map(results.map((result) => [result.profileId, result]));
  }
}

/**
 * What the destination holds after a write it took without some fields: for those, what it
 * held before (or nothing known), so the next push sees them still differ and sends them again.
 */
function withoutSkipped(
  written: VendorFields,
  heldBefore: VendorFields | undefined,
  skipped: SkippedField[],
): VendorFields {
  if (skipped.length === 0) return written;
  const fields = { ...written };
  for (const { field } of skipped) {
    if (heldBefore && field in heldBefore) fields[field] = heldBefore[field];
    else delete fields[field];
  }
  return fields;
}

/**
 * What the destination holds: our last successful write, overlaid with what it last sent us
 * when that arrived later (a change made in the tool itself), or the other way round.
 */
function heldFields(
  mapping: Parameters<typeof mapTraits>[0],
  state: PushState | undefined,
  record: HeldRecord | undefined,
): VendorFields {
  const written = state?.fields ?? {};
  if (!record) return written;
  const read = mapTraits(mapping, record.traits);
  const readIsNewer = !state?.pushedAt || record.receivedAt > state.pushedAt;
  return readIsNewer ? { ...written, ...read } : { ...read, ...written };
}
