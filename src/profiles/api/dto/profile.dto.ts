import { ApiProperty } from '@nestjs/swagger';

const TRAITS_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  description:
    'Canonical traits (see src/profiles/canonical/canonical-traits.ts): email, phone, firstName, lastName, company, jobTitle, address, locale, timezone, emailConsent, tags, custom. ' +
    'A value a tool sends outside the fixed formats (address.country ISO-3166 alpha-2, emailConsent subscribed|unsubscribed|pending|cleaned, locale BCP 47, timezone IANA) is left out, so it never replaces a valid one.',
  example: {
    email: 'ada@engines.org',
    firstName: 'Ada',
    address: { city: 'London', country: 'GB' },
  },
} as const;

export class ProvenanceEntryDto {
  @ApiProperty({ format: 'uuid' }) connectionId!: string;
  @ApiProperty() externalId!: string;
  @ApiProperty({
    format: 'date-time',
    description: "The vendor's updatedAt of the winning version.",
  })
  updatedAt!: string;
}

export class ProfileSummaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['active', 'closed', 'merged'] }) status!: string;
  @ApiProperty(TRAITS_SCHEMA) traits!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class ProfilePageDto {
  @ApiProperty({ type: [ProfileSummaryDto] }) data!: ProfileSummaryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class IdentifierDto {
  @ApiProperty({ enum: ['email', 'phone', 'external'] }) type!: string;
  @ApiProperty({ description: 'Normalized; `external` is `connectionId:vendorId`.' })
  value!: string;
}

export class SourceRecordDto {
  @ApiProperty({ format: 'uuid' }) connectionId!: string;
  @ApiProperty() externalId!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description:
      'When this version was seen (a sync read, or the webhook trigger time): orders versions with the same updatedAt. Null for versions stored before it was recorded.',
  })
  observedAt!: string | null;
  @ApiProperty() deleted!: boolean;
  @ApiProperty({ description: 'SHA-256 of the mapped record.' }) contentHash!: string;
  @ApiProperty(TRAITS_SCHEMA) traits!: Record<string, unknown>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', format: 'date-time' },
    description:
      "Traits the vendor dates apart from the record, earlier than its updatedAt (e.g. Shopify's consent time): survivorship ranks those traits by these times. Empty for most records.",
    example: { emailConsent: '2024-03-01T09:30:00.000Z' },
  })
  traitTimes!: Record<string, string>;
  @ApiProperty({
    type: [String],
    description:
      "Traits whose value this connection handed back after Syncline wrote it there: ranked as a copy of their origin (dated just before it in traitTimes, without this connection's priority). Empty for most records.",
    example: ['firstName'],
  })
  echoedTraits!: string[];
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
}

export class IdentityConflictDto {
  @ApiProperty({
    enum: ['email-limit', 'phone-limit', 'external-limit', 'merge-limit', 'shared-phone'],
  })
  reason!: string;
  @ApiProperty({
    type: [String],
    description: 'Profiles the record also matched but was not merged with.',
  })
  otherProfileIds!: string[];
  @ApiProperty() identifierType!: string;
  @ApiProperty() identifierValue!: string;
  @ApiProperty({ format: 'uuid' }) connectionId!: string;
  @ApiProperty() externalId!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class PushStatusDto {
  @ApiProperty({ format: 'uuid' }) connectionId!: string;
  @ApiProperty() connectionName!: string;
  @ApiProperty({
    enum: ['ok', 'failed'],
    description:
      '`ok`: the destination holds the profile as mapped; `failed`: the last write was refused or failed.',
  })
  status!: 'ok' | 'failed';
  @ApiProperty({
    nullable: true,
    type: String,
    description: "The person's id at the destination.",
  })
  externalId!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'Last successful write.',
  })
  lastPushedAt!: string | null;
  @ApiProperty({
    format: 'date-time',
    description: 'Last time the destination was compared or written.',
  })
  lastAttemptAt!: string;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
}

export class ProfileDetailDto extends ProfileSummaryDto {
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description:
      'Set when this id was merged into another profile (status `merged`): the survivor to read instead. ' +
      'Merged ids answer 200 with this field rather than a redirect, because a split can undo the merge.',
  })
  mergedInto!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/ProvenanceEntryDto' },
    description: 'Per trait (custom values per namespace: `custom.hubspot`), the source that won.',
  })
  provenance!: Record<string, ProvenanceEntryDto>;
  @ApiProperty({ type: [IdentifierDto] }) identifiers!: IdentifierDto[];
  @ApiProperty({ type: [SourceRecordDto] }) sources!: SourceRecordDto[];
  @ApiProperty({ type: [IdentityConflictDto] }) conflicts!: IdentityConflictDto[];
  @ApiProperty({
    type: [PushStatusDto],
    description: 'Per destination connection: last push time and status.',
  })
  pushes!: PushStatusDto[];
}
