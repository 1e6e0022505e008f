/**
 * Loads every connector folder under a directory. A folder is a connector when it holds an
 * `index.ts` or `index.js`; anything else (shared helpers, READMEs) is skipped. Any invalid
 * manifest or duplicate name throws, so start-up fails with a message naming the folder.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { StartupError } from '../bootstrap/startup-error';
import type { Connector } from '../connector-sdk/connector.types';
import { ConnectorManifestError, DuplicateConnectorError } from '../connector-sdk/errors';
import { createAjv } from './schema-validation';
import { findConnectorProblems } from './validate-connector';

export interface LoadedConnector {
  /** Folder name under the connectors directory (equals `connector.manifest.name`). */
  folder: string;
  connector: Connector;
}

/** `<repo>/connectors`, both from sources (`src/…`) and from the build (`dist/src/…`). */
export function defaultConnectorsDir(): string {
  return resolve(__dirname, '..', '..', 'connectors');
}

export function loadConnectors(dir: string = defaultConnectorsDir()): LoadedConnector[] {
  const ajv = createAjv();
  const loaded: LoadedConnector[] = [];
  if (!existsSync(dir)) {
    throw new StartupError(
      `The connectors directory ${dir} does not exist: check CONNECTORS_DIR (unset, the bundled connectors load)`,
    );
  }
  // A symbolic link to a folder counts as one: deployments often mount or link connectors in.
  const folders = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith('.') && isDirectory(join(dir, entry.name)))
    .map((entry) => entry.name)
    .sort();

  const candidates = folders
    .filter((folder) => hasIndex(join(dir, folder)))
    .map((folder) => ({
      folder,
      candidate: exportedConnector(requireFolder(join(dir, folder), folder)),
    }));

  // Duplicates first: a copied folder that kept its original name is reported as what it is,
  // rather than as a folder/name mismatch.
  assertUniqueNames(
    candidates.flatMap(({ folder, candidate }) => {
      const name = manifestName(candidate);
      return name === undefined ? [] : [{ folder, name }];
    }),
  );

  for (const { folder, candidate } of candidates) {
    const problems = findConnectorProblems(candidate, folder, ajv);
    if (problems.length > 0) throw new ConnectorManifestError(folder, problems);
    loaded.push({ folder, connector: candidate as Connector });
  }
  return loaded;
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function hasIndex(path: string): boolean {
  return existsSync(join(path, 'index.ts')) || existsSync(join(path, 'index.js'));
}

function manifestName(candidate: unknown): string | undefined {
  const name = (candidate as { manifest?: { name?: unknown } } | undefined)?.manifest?.name;
  return typeof name === 'string' ? name : undefined;
}

/** Throws `DuplicateConnectorError` when two sources declare the same connector name. */
export function assertUniqueNames(entries: readonly { folder: string; name: string }[]): void {
  const folderByName = new Map<string, string>();
  for (const { folder, name } of entries) {
    const previous = folderByName.get(name);
    if (previous !== undefined) throw new DuplicateConnectorError(name, [previous, folder]);
    folderByName.set(name, folder);
  }
}

function requireFolder(path: string, folder: string): unknown {
  try {
    // Synchronous on purpose: connectors load once, before the app accepts any work.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConnectorManifestError(folder, [`index failed to load: ${reason}`]);
  }
}

function exportedConnector(moduleExports: unknown): unknown {
  if (!moduleExports || typeof moduleExports !== 'object') return moduleExports;
  const exported = moduleExports as { default?: unknown; connector?: unknown };
  return exported.default ?? exported.connector;
}
