/** Shopify Admin REST shapes used by this connector (customers only). */

export type ShopifyConfig = {
  /** `{shop}.myshopify.com`; used when `baseUrl` is not set. */
  shopDomain?: string;
  /** The full Admin API base, version included (`https://{shop}.myshopify.com/admin/api/2024-10`). */
  baseUrl?: string;
  /** Admin API version, `YYYY-MM`. Default `2024-10`. */
  apiVersion?: string;
};

export type ShopifyCredentials = {
  /** Admin API access token (custom app or OAuth). */
  accessToken: string;
  /** App client secret; verifies webhook HMACs. */
  clientSecret?: string;
};

export interface ShopifyAddress {
  id?: number;
  customer_id?: number;
  first_name?: string | null;
  last_name?: string | null;
  company?: string | null;
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  province?: string | null;
  province_code?: string | null;
  country?: string | null;
  country_code?: string | null;
  zip?: string | null;
  phone?: string | null;
  default?: boolean;
}

export interface ShopifyEmailMarketingConsent {
  /** `subscribed`, `not_subscribed`, `pending`, `unsubscribed`, `redacted`, `invalid`. */
  state: string;
  opt_in_level?: string | null;
  consent_updated_at?: string | null;
}

export interface ShopifyCustomer {
  id: number;
  email?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  phone?: string | null;
  /** `disabled`, `invited`, `enabled`, `declined`. */
  state?: string;
  /** Comma-separated, e.g. `"vip, newsletter"`. */
  tags?: string;
  created_at?: string;
  updated_at?: string;
  verified_email?: boolean;
  addresses?: ShopifyAddress[];
  default_address?: ShopifyAddress | null;
  email_marketing_consent?: ShopifyEmailMarketingConsent | null;
  /** `gid://shopify/Customer/<id>`; exact even where a JSON number would lose precision. */
  admin_graphql_api_id?: string;
}

export interface ShopifyCustomersResponse {
  customers: ShopifyCustomer[];
}

export interface ShopifyCustomerResponse {
  customer: ShopifyCustomer;
}

export interface ShopifyAddressResponse {
  customer_address: ShopifyAddress;
}

/**
 * Shopify's REST error body: `{"errors": {"email": ["has already been taken"]}}` for a
 * validation failure (422), `{"errors": "Not Found"}` otherwise.
 */
export interface ShopifyErrorBody {
  errors?: string | Record<string, string[] | string>;
}

/** A GraphQL Admin API answer: HTTP 200 even when `errors` (access, throttling) or `userErrors`. */
export interface ShopifyGraphqlResponse<Data> {
  data?: Data | null;
  errors?: { message?: string; extensions?: { code?: string } }[];
}

export interface CustomerRequestDataErasureData {
  customerRequestDataErasure?: {
    customerId?: string | null;
    userErrors?: { field?: string[] | null; message?: string; code?: string | null }[];
  } | null;
}
