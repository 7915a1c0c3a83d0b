import { IsInt, IsISO8601, IsOptional, IsString, IsUUID } from 'class-validator';

/**
 * An outbound webhook delivery ran out of attempts (api.md §16): the `errors` Slack alert is raised on it.
 * Names only ids and the subscription URL's host (no payload, no personal data).
 */
export class WebhookDeliveryExhaustedV1 {
  @IsUUID() delivery_id: string;
  @IsUUID() subscription_id: string;
  @IsString() url_host: string;
  @IsString() event_id: string;
  @IsString() event_type: string;
  @IsInt() attempts: number;
  @IsOptional() @IsInt() response_status: number | null;
  @IsOptional() @IsString() error: string | null;
  @IsISO8601() exhausted_at: string;
}
