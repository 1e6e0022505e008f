import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';

export const IS_PUBLIC = 'syncline:isPublic';
export const ADMIN_ONLY = 'syncline:adminOnly';

/** Opens a route without a bearer token (health, metrics, inbound webhooks). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Requires an admin token even for a read (e.g. listing tokens). */
export const AdminOnly = () =>
  applyDecorators(
    SetMetadata(ADMIN_ONLY, true),
    ApiForbiddenResponse({ description: 'Requires an admin token.' }),
  );

/** Documents the bearer requirement every protected controller shares. */
export const ProtectedApi = () =>
  applyDecorators(
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing or unknown bearer token.' }),
    ApiForbiddenResponse({ description: 'Viewer tokens may only read.' }),
  );
