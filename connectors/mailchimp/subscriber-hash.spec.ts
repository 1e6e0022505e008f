import { subscriberHash } from './subscriber-hash';

describe('subscriberHash', () => {
  // Computed outside this code base: `echo -n urist.mcvankab@freddiesjokes.com | md5sum`.
  const HASH = '62eeb292278cc15f5817cb78f7790b08';

  it('is the hex MD5 of the lower-cased, trimmed address', () => {
    expect(subscriberHash('urist.mcvankab@freddiesjokes.com')).toBe(HASH);
    expect(subscriberHash(' Urist.McVankab@FreddiesJokes.com ')).toBe(HASH);
  });
});
