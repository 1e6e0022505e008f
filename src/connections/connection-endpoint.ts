import type { Connector } from '../connector-sdk/connector.types';

/**
 * The origin (scheme, host, port) a connection's credentials are sent to, as the connector
 * itself builds it from config and credentials (`baseUrl`, Shopify's `shopDomain`, Zendesk's
 * `subdomain`, Mailchimp's data centre in the API key…). Undefined when the connector cannot
 * build one from these values.
 */
export function credentialsOrigin(
  connector: Connector,
  config: Record<string, unknown>,
  credentials: Record<string, string>,
): string | undefined {
  try {
    return new URL(connector.http(config, credentials).baseUrl).origin;
  } catch {
    return undefined;
  }
}
