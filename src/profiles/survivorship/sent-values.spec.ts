import { CanonicalTraits } from '../canonical/canonical-traits';
import { ECHO_CLOCK_SKEW_MS, findEchoes, recordSent, SentValues } from './sent-values';

const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 0, minute)).toISOString();
const justBefore = (iso: string) => new Date(Date.parse(iso) - 1).toISOString();

const WHOLE_NAME_AND_PHONE = new Map([
  ['firstName', null],
  ['phone', null],
]);

/** What we sent to a destination over time: each push's traits, with their origin's time. */
function sends(...pushes: [CanonicalTraits, string, string][]): SentValues {
  let sent: SentValues | undefined;
  for (const [traits, setAt, sentAt] of pushes) {
    sent = recordSent(sent, traits, WHOLE_NAME_AND_PHONE, () => setAt, sentAt);
  }
  return sent ?? {};
}

describe('recordSent', () => {
  it('keeps the first send of a value the destination still holds, and adds changed ones', () => {
    const sent = sends(
      [{ firstName: 'Ada' }, at(1), at(2)],
      [{ firstName: 'Ada' }, at(3), at(4)],
      [{ firstName: 'Adeline' }, at(5), at(6)],
    );
    expect(sent.firstName).toEqual([
      { value: 'Ada', setAt: at(1), sentAt: at(2) },
      { value: 'Adeline', setAt: at(5), sentAt: at(6) },
    ]);
  });

  it('keeps the last three values of a trait and skips empty ones', () => {
    const sent = sends(
      [{ firstName: 'A' }, at(1), at(1)],
      [{ firstName: 'B' }, at(2), at(2)],
      [{ firstName: 'C', phone: '' }, at(3), at(3)],
      [{ firstName: 'D' }, at(4), at(4)],
    );
    expect(sent.firstName.map((entry) => entry.value)).toEqual(['B', 'C', 'D']);
    expect(sent).not.toHaveProperty('phone');
  });
});

describe('findEchoes', () => {
  it('dates a value we sent, handed back later, just before where it came from', () => {
    const sent = sends([{ firstName: 'Samuel' }, at(10), at(11)]);
    const echoes = findEchoes(
      { traits: { firstName: 'Samuel' }, updatedAt: at(12) },
      sent,
      undefined,
    );
    expect(echoes).toEqual({
      traitTimes: { firstName: justBefore(at(10)) },
      echoedTraits: ['firstName'],
    });
  });

  it("takes a value back to one we once sent as the destination's own when another of its records held its own since", () => {
    // We sent a@… to the email tool; its member then changed address to b@… (a new member id,
    // its own value), and now changes back to a@… under the first id.
    const sentEmail = recordSent(
      undefined,
      { email: 'a@x.io' },
      new Map([['email', null]]),
      () => at(1),
      at(2),
    );
    const changedAway = { traits: { email: 'b@x.io' }, updatedAt: at(5) };
    const back = { traits: { email: 'a@x.io' }, updatedAt: at(9) };
    expect(findEchoes(back, sentEmail, undefined, [changedAway])).toBeUndefined();
    // Without that record, it would pass for our old write.
    expect(findEchoes(back, sentEmail, undefined)?.echoedTraits).toEqual(['email']);
  });

  it('leaves a value the destination holds of its own alone', () => {
    const sent = sends([{ firstName: 'Samuel' }, at(10), at(11)]);
    expect(
      findEchoes({ traits: { firstName: 'Sam' }, updatedAt: at(12) }, sent, undefined),
    ).toBeUndefined();
  });

  it("recognises a late echo of an earlier value until a newer one was sent (plus the destination's clock skew)", () => {
    const sent = sends(
      [{ firstName: 'Samuel' }, at(10), at(11)],
      [{ firstName: 'Sammy' }, at(12), at(13)],
    );
    const secondSent = Date.parse(at(13));
    const late = new Date(secondSent + ECHO_CLOCK_SKEW_MS - 1).toISOString();
    expect(
      findEchoes({ traits: { firstName: 'Samuel' }, updatedAt: late }, sent, undefined),
    ).toEqual({
      traitTimes: { firstName: justBefore(at(10)) },
      echoedTraits: ['firstName'],
    });
  });

  it('takes a value changed back in the tool after we sent a newer one as a real change', () => {
    const sent = sends(
      [{ firstName: 'Samuel' }, at(10), at(11)],
      [{ firstName: 'Sammy' }, at(12), at(13)],
    );
    const revertedAt = at(20);
    expect(
      findEchoes({ traits: { firstName: 'Samuel' }, updatedAt: revertedAt }, sent, undefined),
    ).toBeUndefined();
  });

  it("keeps the record's own time where it is earlier, and its other trait times", () => {
    const sent = sends([{ firstName: 'Samuel', phone: '+14155550100' }, at(10), at(11)]);
    const echoes = findEchoes(
      {
        traits: { firstName: 'Samuel', phone: '+14155550100', emailConsent: 'subscribed' },
        updatedAt: at(12),
        traitTimes: { phone: at(5), emailConsent: at(6) },
      },
      sent,
      undefined,
    );
    // The phone is an echo too, but the destination already dates it earlier than its origin.
    expect(echoes).toEqual({
      traitTimes: { firstName: justBefore(at(10)), phone: at(5), emailConsent: at(6) },
      echoedTraits: ['firstName', 'phone'],
    });
  });

  it('compares structured values by content, not key order', () => {
    const address = { city: 'Paris', country: 'FR' };
    const sent = recordSent(
      undefined,
      { address },
      new Map([['address', null]]),
      () => at(10),
      at(11),
    );
    const echoes = findEchoes(
      { traits: { address: { country: 'FR', city: 'Paris' } }, updatedAt: at(12) },
      sent,
      undefined,
    );
    expect(echoes?.echoedTraits).toEqual(['address']);
  });

  it('compares only the parts of a trait the destination was sent, empty ones as missing', () => {
    const address = { line1: '1 Rue Haute', line2: 'Apt 4', city: 'Paris', country: 'FR' };
    // HubSpot's mapping has no second address line.
    const parts = new Map([['address', ['city', 'country', 'line1']]]);
    const sent = recordSent(undefined, { address }, parts, () => at(10), at(11));
    expect(sent.address[0].value).toEqual({ city: 'Paris', country: 'FR', line1: '1 Rue Haute' });
    const hubspotCopy = { line1: '1 Rue Haute', line2: null, city: 'Paris', country: 'FR' };
    const echoes = findEchoes(
      { traits: { address: hubspotCopy }, updatedAt: at(12) },
      sent,
      undefined,
    );
    expect(echoes?.echoedTraits).toEqual(['address']);
  });

  it("takes a value we once sent as the destination's own when its own value came in between", () => {
    // The shop's Ann was sent; a rep then renamed her Anna in the CRM (its own value, held);
    // now the rep types Ann again. Nothing we sent since said Ann.
    const sent = sends([{ firstName: 'Ann' }, at(10), at(11)]);
    const held = { traits: { firstName: 'Anna' }, updatedAt: at(20) };
    expect(
      findEchoes({ traits: { firstName: 'Ann' }, updatedAt: at(30) }, sent, held),
    ).toBeUndefined();
    // Its own value from before our write does not stop our write's echo.
    const before = { traits: { firstName: 'Anna' }, updatedAt: at(5) };
    expect(
      findEchoes({ traits: { firstName: 'Ann' }, updatedAt: at(12) }, sent, before)?.echoedTraits,
    ).toEqual(['firstName']);
  });

  it('keeps a copy a copy while the destination leaves it unchanged, even after a write of ours failed', () => {
    // We sent Sid, then Sidney, which the CRM refused; a rep edits the job title much later.
    const sent = sends(
      [{ firstName: 'Sid' }, at(10), at(11)],
      [{ firstName: 'Sidney' }, at(20), at(21)],
    );
    const held = {
      traits: { firstName: 'Sid' },
      updatedAt: at(12),
      traitTimes: { firstName: justBefore(at(10)) },
      echoedTraits: ['firstName'],
    };
    const edited = { traits: { firstName: 'Sid', jobTitle: 'CTO' }, updatedAt: at(40) };
    expect(findEchoes(edited, sent, held)).toEqual({
      traitTimes: { firstName: justBefore(at(10)) },
      echoedTraits: ['firstName'],
    });
  });
});
