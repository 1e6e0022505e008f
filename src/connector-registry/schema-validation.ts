/**
 * JSON-schema compilation for connector config and credentials. One Ajv instance for the whole
 * registry: schemas are compiled once at start-up, so a broken schema stops the process there
 * rather than on the first admin request.
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { JsonObjectSchema } from '../connector-sdk/connector.types';

export interface FieldError {
  /** JSON path of the offending value, e.g. `baseUrl` or `address.city`; `''` for the root. */
  field: string;
  message: string;
}

export type SchemaValidator = (value: unknown) => FieldError[];

export function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    coerceTypes: false,
    useDefaults: false,
    // Unknown keywords (a typo such as `reqired`) are schema bugs: fail at compile time.
    strict: true,
    strictRequired: false,
  });
  addFormats(ajv);
  ajv.addKeyword({ keyword: 'x-secret', schemaType: 'boolean' });
  return ajv;
}

/** Compiles `schema`; throws Ajv's own error (with its explanation) when the schema is broken. */
export function compileValidator(ajv: Ajv2020, schema: JsonObjectSchema): SchemaValidator {
  const validate: ValidateFunction = ajv.compile(schema);
  return (value) => (validate(value) ? [] : (validate.errors ?? []).map(toFieldError));
}

/**
 * The same schema without any `required` list: validates a partial update (PATCH). It is
 * another schema, so it drops the original's `$id`: compiled next to the original in one Ajv
 * instance, the same `$id` twice would be refused and a valid connector would stop start-up.
 */
export function withoutRequired(schema: JsonObjectSchema): JsonObjectSchema {
  const copy: JsonObjectSchema & { $id?: unknown } = { ...schema };
  delete copy.required;
  delete copy.$id;
  return copy;
}

function toFieldError(error: ErrorObject): FieldError {
  const base = pointerToPath(error.instancePath);
  if (error.keyword === 'additionalProperties') {
    const extra = String((error.params as { additionalProperty: string }).additionalProperty);
    return { field: joinPath(base, extra), message: 'is not an allowed property' };
  }
  if (error.keyword === 'required') {
    const missing = String((error.params as { missingProperty: string }).missingProperty);
    return { field: joinPath(base, missing), message: 'is required' };
  }
  return { field: base, message: error.message ?? `fails ${error.keyword}` };
}

/** `/address/city` → `address.city`, `/tags/0` → `tags[0]`. */
function pointerToPath(pointer: string): string {
  if (!pointer) return '';
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : joinPath(path, segment)),
      '',
    );
}

function joinPath(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}
