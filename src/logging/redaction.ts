/**
 * Paths pino removes from every log line. Credentials travel in headers and in objects
 * named after their fields; both are covered, at the top level and one level down.
 */
const SECRET_FIELDS = [
  'authorization',
  'password',
  'token',
  'accessToken',
  'apiKey',
  'apiToken',
  'clientSecret',
  'secret',
  'webhookSecret',
  'webhookToken',
  'credentials',
  'plainToken',
  'cookie',
  'x-shopify-access-token',
];

export const REDACTED_PATHS: string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-shopify-access-token"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  ...SECRET_FIELDS.flatMap((field) => {
    const key = /^[A-Za-z_$][\w$]*$/.test(field) ? field : `["${field}"]`;
    const join = key.startsWith('[') ? '' : '.';
    return [key, `*${join}${key}`];
  }),
];
