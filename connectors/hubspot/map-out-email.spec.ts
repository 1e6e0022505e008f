import { mapOut } from './map-out';

describe('mapOut of an emptied email', () => {
  it('never clears the email of a known contact, while other emptied properties are cleared', () => {
    const fields = { email: null, firstname: '', phone: '+15550100001' };
    expect(mapOut(fields, { keys: ['email', 'firstname', 'phone'], clear: true })).toEqual({
      firstname: '',
      phone: '+15550100001',
    });
  });
});
