/**
 * Loading connectors from disk: the real `connectors/` folder, and temporary folders holding
 * broken or duplicate connectors.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectorRegistry } from '../../../src/connector-registry/connector-registry';
import { loadConnectors } from '../../../src/connector-registry/load-connectors';
import {
  ConnectorManifestError,
  DuplicateConnectorError,
  UnknownConnectorError,
} from '../../../src/connector-sdk/errors';

const tempDirs: string[] = [];

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

interface FakeManifest {
  name?: unknown;
  category?: unknown;
  capabilities?: unknown;
  configSchema?: unknown;
  credentialsSchema?: unknown;
  writeBatchSize?: unknown;
  fullReadLagSeconds?: unknown;
}

/** A plain-JS connector module, so the temp folder needs no transpiling. */
function connectorSource(
  manifest: FakeManifest = {},
  functions = ['http', 'check', 'read', 'mapIn'],
): string {
  const full = {
    name: 'acme',
    displayName: 'Acme',
    description: 'Test connector',
    category: 'crm',
    capabilities: ['read'],
    configSchema: { type: 'object', properties: { baseUrl: { type: 'string', format: 'uri' } } },
    credentialsSchema: {
      type: 'object',
      properties: { apiKey: { type: 'string', 'x-secret': true } },
      required: ['apiKey'],
    },
    ...manifest,
  };
  const fns = functions.map((fn) => `${fn}: function () {}`).join(',\n');
  return `module.exports = { default: { manifest: ${JSON.stringify(full)},\n${fns} } };\n`;
}

function connectorsDir(folders: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'syncline-connectors-'));
  tempDirs.push(dir);
  for (const [folder, source] of Object.entries(folders)) {
    mkdirSync(join(dir, folder));
    writeFileSync(join(dir, folder, 'index.js'), source);
  }
  return dir;
}

function loadError(dir: string): Error {
  try {
    loadConnectors(dir);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected loading to fail');
}

describe('loading the real connectors/ directory', () => {
  const registry = ConnectorRegistry.fromDirectory();

  it('registers every bundled connector with its manifest', () => {
    expect(registry.list().map((c) => c.manifest.name)).toEqual(
      expect.arrayContaining(['hubspot', 'mailchimp', 'shopify', 'zendesk']),
    );
    const hubspot = registry.get('hubspot');
    expect(hubspot.manifest.category).toBe('crm');
    expect(hubspot.manifest.capabilities).toEqual(
      expect.arrayContaining(['read', 'incremental', 'webhooks', 'deletes', 'write']),
    );
    for (const connector of registry.list()) {
      if (!connector.manifest.capabilities.includes('write')) continue;
      // Every connector that writes ships a default mapping onto canonical fields.
      expect(Object.keys(connector.manifest.defaultMapping ?? {}).length).toBeGreaterThan(0);
    }
  });

  it('throws a typed error for an unknown connector', () => {
    expect(() => registry.get('nope')).toThrow(UnknownConnectorError);
  });

  it('reports config and credentials errors by field name', () => {
    expect(registry.validateConfig('hubspot', { baseUrl: 'https://api.hubapi.com' })).toEqual([]);
    expect(registry.validateConfig('hubspot', { baseUrl: 42, region: 'eu' })).toEqual(
      expect.arrayContaining([
        { field: 'baseUrl', message: 'must be string' },
        { field: 'region', message: 'is not an allowed property' },
      ]),
    );
    expect(registry.validateConfig('hubspot', { requestsPer10Seconds: '100' })).toEqual([
      { field: 'requestsPer10Seconds', message: 'must be integer' },
    ]);
    expect(registry.validateCredentials('hubspot', {})).toEqual([
      { field: 'accessToken', message: 'is required' },
    ]);
    expect(registry.validateCredentials('hubspot', { accessToken: 'x', extra: 'y' })).toEqual([
      { field: 'extra', message: 'is not an allowed property' },
    ]);
  });

  it('validates a partial credentials update without requiring every secret', () => {
    expect(
      registry.validateCredentials('hubspot', { clientSecret: 's' }, { partial: true }),
    ).toEqual([]);
    expect(registry.validateCredentials('hubspot', { clientSecret: 5 }, { partial: true })).toEqual(
      [{ field: 'clientSecret', message: 'must be string' }],
    );
  });
});

describe('rejecting bad connectors', () => {
  it('loads a valid temporary connector and skips folders without an index', () => {
    const dir = connectorsDir({ acme: connectorSource() });
    mkdirSync(join(dir, 'shared-helpers'));
    expect(loadConnectors(dir).map((c) => c.folder)).toEqual(['acme']);
  });

  it('loads a connector folder that is a symbolic link, as deployments often mount them', () => {
    const elsewhere = connectorsDir({ acme: connectorSource() });
    const dir = connectorsDir({});
    symlinkSync(join(elsewhere, 'acme'), join(dir, 'acme'), 'dir');
    expect(loadConnectors(dir).map((c) => c.folder)).toEqual(['acme']);
  });

  it('says which directory is missing when CONNECTORS_DIR names none', () => {
    const missing = join(connectorsDir({}), 'not-there');
    expect(() => loadConnectors(missing)).toThrow(
      `The connectors directory ${missing} does not exist`,
    );
  });

  it('rejects two connectors with the same name', () => {
    const dir = connectorsDir({ acme: connectorSource(), 'acme-copy': connectorSource() });
    const error = loadError(dir);
    expect(error).toBeInstanceOf(DuplicateConnectorError);
    expect(error.message).toContain('"acme"');
    expect(error.message).toContain('acme-copy');
  });

  it.each([
    [{ name: 'other' }, 'manifest.name "other" must equal the folder name "acme"'],
    [{ category: 'erp' }, 'manifest.category "erp" is not one of'],
    [{ writeBatchSize: 'ten' }, 'manifest.writeBatchSize must be a positive integer (got "ten")'],
    [{ writeBatchSize: 0 }, 'manifest.writeBatchSize must be a positive integer (got 0)'],
    [
      { fullReadLagSeconds: -1 },
      'manifest.fullReadLagSeconds must be an integer from 0 to 86400 (got -1)',
    ],
    [{ capabilities: ['read', 'teleport'] }, 'manifest.capabilities contains "teleport"'],
    [
      { configSchema: { type: 'array' } },
      'manifest.configSchema must be a JSON schema with type "object"',
    ],
    [
      { credentialsSchema: { type: 'object', properties: { apiKey: { type: 'string' } } } },
      "manifest.credentialsSchema.properties.apiKey must be marked 'x-secret': true",
    ],
    [
      { configSchema: { type: 'object', properties: { baseUrl: { type: 'strng' } } } },
      'manifest.configSchema does not compile',
    ],
    [
      {
        configSchema: {
          type: 'object',
          properties: { baseUrl: { type: 'string', formatt: 'uri' } },
        },
      },
      'manifest.configSchema does not compile',
    ],
  ])('rejects manifest %j naming the folder and field', (manifest, expected) => {
    const error = loadError(connectorsDir({ acme: connectorSource(manifest) }));
    expect(error).toBeInstanceOf(ConnectorManifestError);
    expect(error.message).toContain('Connector "acme" is invalid');
    expect(error.message).toContain(expected);
  });

  it('requires the functions its capabilities need', () => {
    const source = connectorSource({ capabilities: ['read', 'webhooks', 'write'] }, [
      'http',
      'read',
    ]);
    const error = loadError(connectorsDir({ acme: source }));
    expect(error).toBeInstanceOf(ConnectorManifestError);
    for (const fn of ['check', 'mapIn', 'verifyWebhook', 'parseWebhook', 'write']) {
      expect(error.message).toContain(`function ${fn}() is missing`);
    }
  });

  it('names the folder when its index throws on load', () => {
    const error = loadError(connectorsDir({ broken: 'throw new Error("boom");' }));
    expect(error).toBeInstanceOf(ConnectorManifestError);
    expect(error.message).toContain('Connector "broken" is invalid: index failed to load: boom');
  });

  it('registers a connector whose schemas carry an $id', () => {
    const source = connectorSource({
      configSchema: { $id: 'https://acme.example/config', type: 'object', properties: {} },
      credentialsSchema: {
        $id: 'https://acme.example/credentials',
        type: 'object',
        properties: { apiKey: { type: 'string', 'x-secret': true } },
        required: ['apiKey'],
      },
    });
    const registry = ConnectorRegistry.fromDirectory(connectorsDir({ acme: source }));
    expect(registry.validateCredentials('acme', {})).toEqual([
      { field: 'apiKey', message: 'is required' },
    ]);
    expect(registry.validateCredentials('acme', {}, { partial: true })).toEqual([]);
  });

  it('accepts a `connector` named export', () => {
    const source = connectorSource().replace(
      'module.exports = { default:',
      'module.exports = { connector:',
    );
    expect(loadConnectors(connectorsDir({ acme: source }))).toHaveLength(1);
  });
});
