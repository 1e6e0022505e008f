import { IdentityConflictEntity } from './identity-conflict.entity';
import { ProfileChangeEntity } from './profile-change.entity';
import { ProfileIdentifierEntity } from './profile-identifier.entity';
import { ProfileMergeEntity } from './profile-merge.entity';
import { ProfileEntity } from './profile.entity';
import { SourceRecordEntity } from './source-record.entity';

/** Read models of the profile tables (writes go through set-based SQL in ProfileStore). */
export const PROFILE_ENTITIES = [
  ProfileEntity,
  ProfileIdentifierEntity,
  SourceRecordEntity,
  ProfileMergeEntity,
  ProfileChangeEntity,
  IdentityConflictEntity,
];
export {
  IdentityConflictEntity,
  ProfileChangeEntity,
  ProfileEntity,
  ProfileIdentifierEntity,
  ProfileMergeEntity,
  SourceRecordEntity,
};
