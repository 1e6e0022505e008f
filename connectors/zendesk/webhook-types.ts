/**
 * A Zendesk event webhook delivery: one event per request. For user events, `detail` holds a
 * few user properties only, with `id`, `organization_id` and `default_group_id` as strings.
 */
export interface ZendeskWebhookEvent {
  /** `zen:event-type:user.created`; some docs write `zen:event-type/user.merged`. */
  type: string;
  account_id?: number;
  /** The event's id (a UUID). */
  id?: string;
  /** When the event happened, ISO 8601. */
  time?: string;
  zendesk_event_version?: string;
  /** `zen:user:<id>`. */
  subject?: string;
  detail?: {
    id?: string | number;
    email?: string | null;
    external_id?: string | null;
    role?: string;
    organization_id?: string | null;
    default_group_id?: string | null;
    created_at?: string;
    updated_at?: string;
  };
  /** What changed, e.g. `{current, previous}`. */
  event?: Record<string, unknown>;
}
