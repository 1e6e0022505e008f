/**
 * Structural checks of one loaded connector module. Collects every problem so an author fixes
 * them in one pass; the caller turns them into a `ConnectorManifestError` naming the folder.
 */
import type Ajv2020 from 'ajv/dist/2020';
import {
  CONNECTOR_CAPABILITIES,
  CONNECTOR_CATEGORIES,
  type Connector,
  type ConnectorCapability,
} from '../connector-sdk/connector.types';
import { compileValidator } from './schema-validation';

const SLUG = /^[a-z][a-z0-9-]*$/;

/** Functions a connector must export for each capability it declares. */
const FUNCTIONS_FOR_CAPABILITY: Record<ConnectorCapability, (keyof Connector)[]> = {
  read: ['read', 'mapIn'],
  incremental: ['read'],
  webhooks: ['verifyWebhook', 'parseWebhook'],
  write: ['write'],
  deletes: [],
};
const ALWAYS_REQUIRED_FUNCTIONS: (keyof Connector)[] = ['http', 'check'];

type Indexable = Record<string, unknown>;

function isObject(value: unknown): value is Indexable {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns the problems found; an empty list means `candidate` is a valid `Connector`. */
export function findConnectorProblems(candidate: unknown, folder: string, ajv: Ajv2020): string[] {
  if (!isObject(candidate)) {
    return ['index must default-export (or export `connector`) a connector object'];
  }
  const problems: string[] = [];
  const manifest = candidate.manifest;
  if (!isObject(manifest)) {
    problems.push('manifest is missing');
  } else {
    problems.push(...manifestProblems(manifest, folder, ajv));
    const capabilities = Array.isArray(manifest.capabilities) ? manifest.capabilities : [];
    problems.push(...functionProblems(candidate, capabilities));
  }
  return problems;
}

function manifestProblems(manifest: Indexable, folder: string, ajv: Ajv2020): string[] {
  const problems: string[] = [];
  const { name, category, capabilities } = manifest;
  if (typeof name !== 'string' || !SLUG.test(name)) {
    problems.push(`manifest.name must be a slug matching ${SLUG} (got ${JSON.stringify(name)})`);
  } else if (name !== folder) {
    problems.push(`manifest.name "${name}" must equal the folder name "${folder}"`);
  }
  for (const field of ['displayName', 'description'] as const) {
    if (typeof manifest[field] !== 'string' || !(manifest[field] as string).trim()) {
      problems.push(`manifest.${field} must be a non-empty string`);
    }
  }
  if (!CONNECTOR_CATEGORIES.includes(category as never)) {
    problems.push(
      `manifest.category ${JSON.stringify(category)} is not one of ${CONNECTOR_CATEGORIES.join(', ')}`,
    );
  }
  if (!Array.isArray(capabilities) || capabilities.length === 0) {
    problems.push('manifest.capabilities must be a non-empty array');
  } else {
    for (const capability of capabilities) {
      if (!CONNECTOR_CAPABILITIES.includes(capability as never)) {
        problems.push(
          `manifest.capabilities contains ${JSON.stringify(capability)}, not one of ${CONNECTOR_CAPABILITIES.join(', ')}`,
        );
      }
    }
    if (new Set(capabilities).size !== capabilities.length) {
      problems.push('manifest.capabilities lists a capability twice');
    }
  }
  problems.push(...schemaProblems(manifest, 'configSchema', ajv));
  problems.push(...schemaProblems(manifest, 'credentialsSchema', ajv));
  problems.push(...secretProblems(manifest.credentialsSchema));
  if (manifest.rateLimit !== undefined) problems.push(...rateLimitProblems(manifest.rateLimit));
  const { writeBatchSize } = manifest;
  if (
    writeBatchSize !== undefined &&
    !(Number.isInteger(writeBatchSize) && (writeBatchSize as number) >= 1)
  ) {
    // Batches are cut to this size: anything else (a string, NaN) lost every write silently.
    problems.push(
      `manifest.writeBatchSize must be a positive integer (got ${JSON.stringify(writeBatchSize)})`,
    );
  }
  const { fullReadLagSeconds } = manifest;
  if (
    fullReadLagSeconds !== undefined &&
    !(
      Number.isInteger(fullReadLagSeconds) &&
      (fullReadLagSeconds as number) >= 0 &&
      (fullReadLagSeconds as number) <= 86_400
    )
  ) {
    problems.push(
      `manifest.fullReadLagSeconds must be an integer from 0 to 86400 (got ${JSON.stringify(fullReadLagSeconds)})`,
    );
  }
  return problems;
}

function schemaProblems(
  manifest: Indexable,
  field: 'configSchema' | 'credentialsSchema',
  ajv: Ajv2020,
): string[] {
  const schema = manifest[field];
  if (!isObject(schema) || schema.type !== 'object') {
    return [`manifest.${field} must be a JSON schema with type "object"`];
  }
  if (!isObject(schema.properties)) {
    return [`manifest.${field}.properties must be an object`];
  }
  try {
    compileValidator(ajv, schema as never);
    return [];
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return [`manifest.${field} does not compile: ${reason}`];
  }
}

function secretProblems(credentialsSchema: unknown): string[] {
  if (!isObject(credentialsSchema) || !isObject(credentialsSchema.properties)) return [];
  return Object.entries(credentialsSchema.properties)
    .filter(([, property]) => !isObject(property) || property['x-secret'] !== true)
    .map(([key]) => `manifest.credentialsSchema.properties.${key} must be marked 'x-secret': true`);
}

function rateLimitProblems(rateLimit: unknown): string[] {
  if (
    isObject(rateLimit) &&
    Number.isInteger(rateLimit.requests) &&
    (rateLimit.requests as number) >= 1 &&
    typeof rateLimit.intervalMs === 'number' &&
    rateLimit.intervalMs > 0
  ) {
    return [];
  }
  return ['manifest.rateLimit must be { requests: positive integer, intervalMs: positive number }'];
}

function functionProblems(candidate: Indexable, capabilities: unknown[]): string[] {
  const problems: string[] = [];
  const required = new Map<string, string>();
  for (const fn of ALWAYS_REQUIRED_FUNCTIONS) required.set(fn, 'every connector');
  for (const capability of capabilities) {
    const needs = FUNCTIONS_FOR_CAPABILITY[capability as ConnectorCapability] ?? [];
    for (const fn of needs) if (!required.has(fn)) required.set(fn, `capability "${capability}"`);
  }
  for (const [fn, why] of required) {
    if (typeof candidate[fn] !== 'function') {
      problems.push(`function ${fn}() is missing (required by ${why})`);
    }
  }
  return problems;
}
