import { expect } from 'chai';
import { canConsume, canPublish } from '../../media/policy.js';
import { PARTICIPANT_ROLES } from '../../server/signaling/ports.js';

describe('media policy', () => {
  it('lets every role except the public gallery publish', () => {
    const publishers = PARTICIPANT_ROLES.filter((r) => canPublish(r, 'video'));
    expect(publishers).to.not.include('public');
    expect(publishers).to.include.members(['judge', 'witness', 'operator', 'interpreter']);
  });

  it('with no measures, everyone receives the witness audio and video', () => {
    for (const role of PARTICIPANT_ROLES) {
      expect(canConsume({ consumerRole: role, producerRole: 'witness', kind: 'video', measures: [] }), role).to.equal(true);
    }
  });

  it('faceMask withholds raw witness video from accused, defence and public only', () => {
    const q = (role: (typeof PARTICIPANT_ROLES)[number], kind: 'audio' | 'video') =>
      canConsume({ consumerRole: role, producerRole: 'witness', kind, measures: ['faceMask'] });
    expect(['accused', 'defence', 'public'].map((r) => q(r as 'accused', 'video'))).to.deep.equal([false, false, false]);
    expect(['accused', 'defence', 'public'].map((r) => q(r as 'accused', 'audio'))).to.deep.equal([true, true, true]);
    expect(q('judge', 'video')).to.equal(true);
    expect(q('prosecutor', 'video')).to.equal(true);
    expect(canConsume({ consumerRole: 'accused', producerRole: 'judge', kind: 'video', measures: ['faceMask'] })).to.equal(true);
  });

  it('voiceMask withholds raw witness audio from the masked audience', () => {
    expect(canConsume({ consumerRole: 'accused', producerRole: 'witness', kind: 'audio', measures: ['voiceMask'] })).to.equal(false);
    expect(canConsume({ consumerRole: 'judge', producerRole: 'witness', kind: 'audio', measures: ['voiceMask'] })).to.equal(true);
  });

  it('closedSession cuts the public gallery off from everything', () => {
    for (const producerRole of PARTICIPANT_ROLES) {
      for (const kind of ['audio', 'video'] as const) {
        expect(canConsume({ consumerRole: 'public', producerRole, kind, measures: ['closedSession'] })).to.equal(false);
      }
    }
    expect(canConsume({ consumerRole: 'accused', producerRole: 'judge', kind: 'video', measures: ['closedSession'] })).to.equal(true);
  });
});
