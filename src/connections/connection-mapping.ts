import { CANONICAL_TRAIT_NAMES } from '../profiles/canonical/canonical-traits';
import type { FieldProblem } from '../common/errors/domain-error';
import type { FieldMapping } from '../connector-sdk/connector.types';

/** Per-connection overrides of a connector's `defaultMapping`, keyed by vendor field. */
export type ConnectionMapping = FieldMapping;

const CANONICAL_ROOTS = new Set<string>(CANONICAL_TRAIT_NAMES);
const FIELD_PATH = /^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$/;
/**
 * Path segments that reach an object's prototype. Mappings are walked as dot paths on plain
 * objects (vendor bodies, canonical traits): such a segment would read or write through to
 * `Object.prototype` of the worker process, so no mapping may name one.
 */
const PROTOTYPE_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);
const PROTOTYPE_MESSAGE = `no path segment may be ${[...PROTOTYPE_SEGMENTS].join(', ')}`;

function reachesPrototype(path: string): boolean {
  return path.split('.').some((segment) => PROTOTYPE_SEGMENTS.has(segment));
}

export function validateMapping(mapping: unknown): FieldProblem[] {
  if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping)) {
    return [{ field: 'mapping', message: 'must be an object keyed by vendor field' }];
  }
  return Object.entries(mapping).flatMap(([vendorField, rule]): FieldProblem[] => {
    const field = `mapping.${vendorField}`;
    if (vendorField.length === 0 || vendorField.length > 200) {
      return [{ field, message: 'vendor field names are 1-200 characters' }];
    }
    if (reachesPrototype(vendorField)) {
      return [{ field, message: `is not a usable vendor field: ${PROTOTYPE_MESSAGE}` }];
    }
    if (rule === null) return [];
    if (typeof rule === 'string') {
      if (reachesPrototype(rule)) {
        return [
          { field, message: `"${rule}" is not a usable canonical field: ${PROTOTYPE_MESSAGE}` },
        ];
      }
      if (!FIELD_PATH.test(rule) || !CANONICAL_ROOTS.has(rule.split('.')[0])) {
        return [
          {
            field,
            message: `"${rule}" is not a canonical field (one of ${[...CANONICAL_ROOTS].join(', ')}, or a path below one)`,
          },
        ];
      }
      return [];
    }
    if (typeof rule === 'object' && !Array.isArray(rule) && Object.keys(rule).join() === 'const') {
      return [];
    }
    return [{ field, message: 'must be a canonical field name, null, or {"const": value}' }];
  });
}
