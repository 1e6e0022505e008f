import { selectFields } from './fields-filter';
import { encodeForm } from './form-encode';
import { firedAt } from './send-webhook';

describe('Mailchimp emulator helpers', () => {
  it('selects and excludes dot paths, through arrays', () => {
    const body = {
      members: [{ id: 'a', email_address: 'a@x.co', stats: { avg_open_rate: 1 }, _links: [] }],
      total_items: 1,
      _links: [],
    };
    expect(selectFields(body, 'members.id,members.stats,total_items')).toEqual({
      members: [{ id: 'a', stats: { avg_open_rate: 1 } }],
      total_items: 1,
    });
    expect(selectFields(body, undefined, '_links,members._links,members.stats')).toEqual({
      members: [{ id: 'a', email_address: 'a@x.co' }],
      total_items: 1,
    });
  });

  it('form-encodes nested data with PHP-style keys, as Mailchimp posts webhooks', () => {
    const body = encodeForm({
      type: 'profile',
      fired_at: firedAt(Date.parse('2009-03-26T21:31:21.700Z')),
      data: { id: '8a25ff1d98', merges: { FNAME: 'Ann Lee', ADDRESS: { city: 'Atlanta' } } },
    });
    expect(body).toBe(
      'type=profile&fired_at=2009-03-26+21%3A31%3A21&data[id]=8a25ff1d98&data[merges][FNAME]=Ann+Lee&data[merges][ADDRESS][city]=Atlanta',
    );
  });
});
