import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { FieldProblem, InvalidInputError, NotFoundError } from '../common/errors/domain-error';
import { decodeCursor, Page, toPage } from '../common/pagination/cursor';
import { ConnectorRegistry } from '../connector-registry/connector-registry';
import { ConnectorRuntime } from '../connector-registry/connector-runtime';
import type { CheckResult, Connector, ConnectorContext } from '../connector-sdk/connector.types';
import { ConnectionEntity } from './connection.entity';
import { credentialsOrigin } from './connection-endpoint';
import { ConnectorNotInstalledError } from './connection-errors';
import { ConnectionEvents } from './connection-events';
import { validateMapping } from './connection-mapping';
import { ConnectionRepository } from './connection.repository';
import { parseSchedule, ScheduleFormatError } from './connection-schedule';
import { ConnectionSecrets, UnreadableCredentialsError } from './connection-secrets';
import { unstorableTextProblems } from '../common/validation/storable-text';
import type { ConnectionDto } from './dto/connection.dto';
import type { CreateConnectionDto, UpdateConnectionDto } from './dto/connection-input.dto';

/** A connection with its credentials opened, for the runtime only: never serialise it. */
export interface OpenedConnection {
  connection: ConnectionEntity;
  credentials: Record<string, string>;
}

@Injectable()
export class ConnectionsService {
  constructor(
    private readonly connections: ConnectionRepository,
    private readonly secrets: ConnectionSecrets,
    private readonly registry: ConnectorRegistry,
    private readonly runtime: ConnectorRuntime,
    private readonly events: ConnectionEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(input: CreateConnectionDto): Promise<ConnectionDto> {
    if (!this.registry.has(input.connector)) {
      throw new InvalidInputError([
        {
          field: 'connector',
          message: `unknown connector "${input.connector}" (see GET /v1/connectors)`,
        },
      ]);
    }
    this.validate(input.connector, {
      name: input.name,
      config: input.config,
      credentials: input.credentials,
      schedule: input.schedule,
      mapping: input.mapping,
    });
    const id = randomUUID();
    const entity = Object.assign(new ConnectionEntity(), {
      id,
      connector: input.connector,
      name: input.name,
      config: input.config,
      credentials: this.secrets.seal(id, input.credentials),
      direction: input.direction,
      schedule: input.schedule?.trim() || null,
      enabled: input.enabled ?? true,
      priority: input.priority ?? null,
      propagateErase: input.propagateErase ?? true,
      mapping: input.mapping ?? {},
    });
    return this.present(await this.saved(await this.connections.save(entity)));
  }

  async list(limit: number, cursor?: string, connector?: string): Promise<Page<ConnectionDto>> {
    const rows = await this.connections.list(limit + 1, decodeCursor(cursor), connector);
    return toPage(rows, limit, (row) => this.present(row));
  }

  async get(id: string): Promise<ConnectionDto> {
    return this.present(await this.require(id));
  }

  async update(id: string, patch: UpdateConnectionDto): Promise<ConnectionDto> {
    const current = await this.require(id);
    const connector = this.installed(current);
    if (!connector && (patch.config !== undefined || patch.credentials !== undefined)) {
      // Nothing could validate them, nor tell where the credentials would be sent.
      throw new ConnectorNotInstalledError(id, current.connector);
    }
    const stored = this.secrets.openReadable(id, current.credentials);
    const credentials = patch.credentials ? patchCredentials(stored, patch.credentials) : undefined;
    // After a SECRETS_KEY rotation, any write re-seals values still under a previous key.
    const reseal =
      !credentials &&
      stored.unreadable.length === 0 &&
      this.secrets.staleFields(current.credentials).length > 0
        ? stored.opened
        : undefined;
    this.validate(current.connector, {
      cleared: clearedRequiredFields(patch),
      name: patch.name,
      config: patch.config,
      credentials,
      schedule: patch.schedule,
      mapping: patch.mapping,
    });
    if (connector) {
      requireCredentialsForNewOrigin(connector, current, stored.opened, {
        config: patch.config,
        credentials: patch.credentials,
        merged: credentials,
      });
    }
    if (patch.name !== undefined) current.name = patch.name;
    if (patch.config !== undefined) current.config = patch.config;
    const toSeal = credentials ?? reseal;
    if (toSeal) current.credentials = this.secrets.seal(id, toSeal);
    if (patch.direction !== undefined) current.direction = patch.direction;
    if (patch.schedule !== undefined) current.schedule = patch.schedule?.trim() || null;
    if (patch.enabled !== undefined) current.enabled = patch.enabled;
    if (patch.priority !== undefined) current.priority = patch.priority;
    if (patch.propagateErase !== undefined) current.propagateErase = patch.propagateErase;
    if (patch.mapping !== undefined) current.mapping = patch.mapping;
    const updated = await this.connections.update(current);
    if (!updated) throw new NotFoundError(`No connection with id ${id}`);
    return this.present(await this.saved(updated));
  }

  async remove(id: string): Promise<void> {
    if (!(await this.connections.delete(id)))
      throw new NotFoundError(`No connection with id ${id}`);
    await this.events.publish({ kind: 'removed', connectionId: id });
  }

  /** Every connection, for reconciling schedules; credentials stay sealed. */
  listAll(): Promise<ConnectionEntity[]> {
    return this.connections.listAll();
  }

  private async saved(connection: ConnectionEntity): Promise<ConnectionEntity> {
    await this.events.publish({ kind: 'saved', connection });
    return connection;
  }

  /** Asks the vendor whether the stored credentials work. */
  async check(id: string): Promise<CheckResult> {
    const connection = await this.require(id);
    const connector = this.installed(connection);
    if (!connector) {
      return {
        ok: false,
        message: new ConnectorNotInstalledError(id, connection.connector).message,
      };
    }
    let opened: OpenedConnection;
    try {
      opened = { connection, credentials: this.secrets.open(id, connection.credentials) };
    } catch (error) {
      if (error instanceof UnreadableCredentialsError) return { ok: false, message: error.message };
      throw error;
    }
    if (!connector.check) {
      return { ok: true, message: `${connector.manifest.displayName} has no credential check` };
    }
    try {
      return await connector.check(this.context(opened));
    } catch (error) {
      return { ok: false, message: `Check failed: ${(error as Error).message}` };
    }
  }

  /** Ids of the connections of `connector` bound to a vendor account (`webhookAccountKey`). */
  idsBoundTo(connector: string, key: string, account: string): Promise<string[]> {
    return this.connections.idsByConfigValue(connector, key, account);
  }

  /** Loads a connection with opened credentials for the sync and outbound runtimes. */
  async open(id: string): Promise<OpenedConnection> {
    const opened = await this.openIfExists(id);
    if (!opened) throw new NotFoundError(`No connection with id ${id}`);
    return opened;
  }

  /**
   * Like `open`, for starting work on the connection now (a sync).
   * @throws ConnectorNotInstalledError (409) when its connector is not installed.
   */
  async openInstalled(id: string): Promise<OpenedConnection> {
    const opened = await this.open(id);
    if (!this.installed(opened.connection)) {
      throw new ConnectorNotInstalledError(id, opened.connection.connector);
    }
    return opened;
  }

  /**
   * Like `open`, but null when the connection was deleted. Only a missing connection is null:
   * a database failure still throws, so the caller's job is retried rather than dropped.
   */
  async openIfExists(id: string): Promise<OpenedConnection | null> {
    const connection = await this.findIfExists(id);
    return connection
      ? { connection, credentials: this.secrets.open(id, connection.credentials) }
      : null;
  }

  /**
   * The stored connection with its credentials still sealed, or null when it was deleted: for
   * callers that only look at its settings (a schedule tick checking `enabled`).
   */
  findIfExists(id: string): Promise<ConnectionEntity | null> {
    return this.connections.findById(id);
  }

  /** @param signal aborts the connector's in-flight requests (sync cancelled, shutdown). */
  context(opened: OpenedConnection, signal?: AbortSignal): ConnectorContext {
    return this.runtime.context(
      {
        id: opened.connection.id,
        connector: opened.connection.connector,
        config: opened.connection.config,
        credentials: opened.credentials,
      },
      { signal },
    );
  }

  /** The connection's connector, or undefined when it is not installed (any more). */
  private installed(connection: ConnectionEntity): Connector | undefined {
    return this.registry.has(connection.connector)
      ? this.registry.get(connection.connector)
      : undefined;
  }

  private async require(id: string): Promise<ConnectionEntity> {
    const connection = await this.findIfExists(id);
    if (!connection) throw new NotFoundError(`No connection with id ${id}`);
    return connection;
  }

  /** Collects every problem of a create or update, so the admin fixes them in one go. */
  private validate(
    connector: string,
    input: {
      /** Problems found before (fields a PATCH tried to empty). */
      cleared?: FieldProblem[];
      name?: string;
      config?: Record<string, unknown>;
      credentials?: Record<string, string>;
      schedule?: string | null;
      mapping?: unknown;
    },
  ): void {
    const problems: FieldProblem[] = [...(input.cleared ?? [])];
    // PostgreSQL refuses NUL (and unpaired surrogates in jsonb). Credential values are sealed
    // as UTF-8 bytes, which would silently turn an unpaired surrogate into U+FFFD: a secret that
    // no longer matches the vendor's, so those are refused too (naming the field, never the value).
    for (const field of ['name', 'config', 'mapping', 'credentials'] as const) {
      problems.push(...unstorableTextProblems(input[field], field));
    }
    if (input.config !== undefined) {
      problems.push(...prefixed('config', this.registry.validateConfig(connector, input.config)));
    }
    if (input.credentials !== undefined) {
      problems.push(
        ...prefixed('credentials', this.registry.validateCredentials(connector, input.credentials)),
      );
    }
    if (input.schedule) {
      try {
        parseSchedule(input.schedule);
      } catch (error) {
        if (!(error instanceof ScheduleFormatError)) throw error;
        problems.push({ field: 'schedule', message: error.message });
      }
    }
    if (input.mapping !== undefined) problems.push(...validateMapping(input.mapping));
    if (problems.length > 0) throw new InvalidInputError(problems);
  }

  /** A connection whose connector is not installed is shown too, so it can be found and deleted. */
  private present(connection: ConnectionEntity): ConnectionDto {
    const manifest = this.installed(connection)?.manifest;
    const credentialFields = new Set([
      ...Object.keys(manifest?.credentialsSchema.properties ?? {}),
      ...Object.keys(connection.credentials),
    ]);
    return {
      id: connection.id,
      connector: connection.connector,
      name: connection.name,
      config: connection.config,
      credentials: Object.fromEntries(
        [...credentialFields].map((field) => [field, { set: field in connection.credentials }]),
      ),
      direction: connection.direction,
      schedule: connection.schedule,
      enabled: connection.enabled,
      priority: connection.priority,
      propagateErase: connection.propagateErase,
      mapping: connection.mapping,
      connectorInstalled: manifest !== undefined,
      webhookUrl: manifest?.capabilities.includes('webhooks')
        ? `${this.config.publicUrl ?? ''}/webhooks/${connection.id}`
        : null,
      createdAt: connection.createdAt.toISOString(),
      updatedAt: connection.updatedAt.toISOString(),
    };
  }
}

/** Fields a PATCH may leave out but never empty (`schedule` and `priority` may be null). */
const REQUIRED_ON_UPDATE = ['name', 'direction', 'enabled', 'propagateErase'] as const;

/**
 * `null` given for a field that cannot be empty. The DTO's optional fields let `null` through
 * (class-validator skips null and undefined alike), and the database would refuse it with a 500.
 */
function clearedRequiredFields(patch: UpdateConnectionDto): FieldProblem[] {
  return REQUIRED_ON_UPDATE.filter((field) => (patch[field] as unknown) === null).map((field) => ({
    field,
    message: 'cannot be null; leave it out to keep the current value',
  }));
}

/**
 * The stored credentials with a PATCH laid over them. A stored value that no configured key
 * opens cannot be kept: the PATCH must enter it again (or remove it), or it would be lost.
 */
function patchCredentials(
  stored: { opened: Record<string, string>; unreadable: string[] },
  patch: Record<string, string | null>,
): Record<string, string> {
  const lost = stored.unreadable.filter((field) => patch[field] === undefined);
  if (lost.length > 0) {
    throw new InvalidInputError(
      lost.map((field) => ({
        field: `credentials.${field}`,
        message:
          'the stored value cannot be opened with the configured keys: enter it again in this PATCH (or null to remove it)',
      })),
    );
  }
  return mergeCredentials(stored.opened, patch);
}

/**
 * Stored credentials only ever go to the host they were entered for. A PATCH that points the
 * connection at another origin (config.baseUrl, a shop domain, a subdomain, another API key's
 * data centre…) must enter every stored credential again; otherwise any admin token could
 * send the stored secrets to a host of its choosing (e.g. with a check).
 */
function requireCredentialsForNewOrigin(
  connector: Connector,
  current: ConnectionEntity,
  opened: Record<string, string>,
  patch: {
    config?: Record<string, unknown>;
    credentials?: Record<string, string | null>;
    merged?: Record<string, string>;
  },
): void {
  const before = credentialsOrigin(connector, current.config, opened);
  const after = credentialsOrigin(
    connector,
    patch.config ?? current.config,
    patch.merged ?? opened,
  );
  if (before === after) return;
  const kept = Object.keys(current.credentials).filter(
    (field) => patch.credentials?.[field] === undefined,
  );
  if (kept.length === 0) return;
  throw new InvalidInputError([
    {
      field: 'credentials',
      message:
        `must be entered again (${kept.join(', ')}) in the same PATCH, because the API host changes ` +
        `from ${before ?? 'none'} to ${after ?? 'none'}: stored credentials are never sent to a new host`,
    },
  ]);
}

function mergeCredentials(
  current: Record<string, string>,
  patch: Record<string, string | null>,
): Record<string, string> {
  const merged: Record<string, string> = { ...current };
  for (const [field, value] of Object.entries(patch)) {
    if (value === null) delete merged[field];
    else merged[field] = value;
  }
  return merged;
}

function prefixed(prefix: string, problems: FieldProblem[]): FieldProblem[] {
  return problems.map((p) => ({
    field: p.field ? `${prefix}.${p.field}` : prefix,
    message: p.message,
  }));
}
