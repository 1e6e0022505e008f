/**
 * The installed connectors, looked up by name, with their config/credentials validators
 * compiled once. Plain class: the Nest module only constructs it.
 */
import type { Connector } from '../connector-sdk/connector.types';
import { ConnectorManifestError, UnknownConnectorError } from '../connector-sdk/errors';
import { assertUniqueNames, loadConnectors } from './load-connectors';
import {
  compileValidator,
  createAjv,
  withoutRequired,
  type FieldError,
  type SchemaValidator,
} from './schema-validation';

interface RegistryEntry {
  connector: Connector;
  validateConfig: SchemaValidator;
  validateCredentials: SchemaValidator;
  validateCredentialsPatch: SchemaValidator;
}

export class ConnectorRegistry {
  private readonly entries = new Map<string, RegistryEntry>();

  /** Loads and validates every connector under `dir` (default `<repo>/connectors`). */
  static fromDirectory(dir?: string): ConnectorRegistry {
    return new ConnectorRegistry(loadConnectors(dir).map(({ connector }) => connector));
  }

  /**
   * @param connectors already validated connectors (see `loadConnectors`); names must be unique.
   */
  constructor(connectors: readonly Connector[]) {
    assertUniqueNames(connectors.map((c) => ({ folder: c.manifest.name, name: c.manifest.name })));
    const ajv = createAjv();
    for (const connector of connectors) {
      const { name, configSchema, credentialsSchema } = connector.manifest;
      try {
        this.entries.set(name, {
          connector,
          validateConfig: compileValidator(ajv, configSchema),
          validateCredentials: compileValidator(ajv, credentialsSchema),
          validateCredentialsPatch: compileValidator(ajv, withoutRequired(credentialsSchema)),
        });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new ConnectorManifestError(name, [`a schema does not compile: ${reason}`]);
      }
    }
  }

  /** @throws UnknownConnectorError */
  get(name: string): Connector {
    return this.entry(name).connector;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** Every installed connector, sorted by name (stable catalog order for the API). */
  list(): Connector[] {
    return [...this.entries.values()]
      .map((entry) => entry.connector)
      .sort((a, b) => a.manifest.name.localeCompare(b.manifest.name));
  }

  /** Field errors of `value` against the connector's config schema; empty when valid. */
  validateConfig(name: string, value: unknown): FieldError[] {
    return this.entry(name).validateConfig(value);
  }

  /**
   * Field errors of `value` against the credentials schema. `partial` ignores `required`,
   * for updates that change only some secrets.
   */
  validateCredentials(
    name: string,
    value: unknown,
    options: { partial?: boolean } = {},
  ): FieldError[] {
    const entry = this.entry(name);
    return options.partial
      ? entry.validateCredentialsPatch(value)
      : entry.validateCredentials(value);
  }

  private entry(name: string): RegistryEntry {
    const entry = this.entries.get(name);
    if (!entry) throw new UnknownConnectorError(name);
    return entry;
  }
}

export type { FieldError } from './schema-validation';
