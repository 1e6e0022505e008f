import { tagChanges } from './member-tags';

const item = (extra: Record<string, unknown>) => ({
  profileId: 'p1',
  fields: { email_address: 'a@example.com', tags: ['customer', 'b2b'] },
  changed: {},
  ...extra,
});

describe('tagChanges', () => {
  it('gives a new member every tag of the profile, active', () => {
    expect(tagChanges(item({}))).toEqual([
      { name: 'customer', status: 'active' },
      { name: 'b2b', status: 'active' },
    ]);
  });

  it('for a known member, only when tags changed, relative to what Syncline knew it held', () => {
    const known = { externalId: 'hash', held: { tags: ['customer', 'vip'] } };
    expect(tagChanges(item({ ...known, changed: { 'merge_fields.FNAME': 'A' } }))).toEqual([]);
    expect(tagChanges(item({ ...known, changed: { tags: ['customer', 'b2b'] } }))).toEqual([
      { name: 'b2b', status: 'active' },
      { name: 'vip', status: 'inactive' },
    ]);
  });

  it('removes nothing when nothing is known to be held, and ignores blank or non-text tags', () => {
    expect(
      tagChanges(
        item({
          externalId: 'hash',
          fields: { email_address: 'a@example.com', tags: [' vip ', '', 7, null] },
          changed: { tags: [' vip ', '', 7, null] },
        }),
      ),
    ).toEqual([{ name: 'vip', status: 'active' }]);
  });
});
