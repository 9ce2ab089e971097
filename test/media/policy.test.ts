import { expect } from 'chai';
import { canPublish, mediaVariant } from '../../media/policy.js';
import { PARTICIPANT_ROLES, type ParticipantRole, type ProtectiveMeasure } from '../../common/vocabulary.js';

const variant = (viewerRole: ParticipantRole, kind: 'audio' | 'video', measures: ProtectiveMeasure[], sourceRole: ParticipantRole = 'witness') =>
  mediaVariant({ viewerRole, sourceRole, kind, measures });

describe('media policy', () => {
  it('lets every role except the public gallery publish', () => {
    const publishers = PARTICIPANT_ROLES.filter((r) => canPublish(r, 'video'));
    expect(publishers).to.not.include('public');
    expect(publishers).to.include.members(['judge', 'witness', 'operator', 'interpreter', 'authority']);
  });

  it('with no measures, everyone receives the witness audio and video raw', () => {
    for (const role of PARTICIPANT_ROLES) {
      expect([variant(role, 'video', []), variant(role, 'audio', [])], role).to.deep.equal(['raw', 'raw']);
    }
  });

  it('faceMask and voiceMask give each role the README table: court raw, interpreter masked video and raw audio, parties and public masked', () => {
    const both: ProtectiveMeasure[] = ['faceMask', 'voiceMask'];
    const table = Object.fromEntries(PARTICIPANT_ROLES.filter((r) => r !== 'witness').map((r) => [r, `${variant(r, 'video', both)}/${variant(r, 'audio', both)}`]));
    expect(table).to.deep.equal({
      judge: 'raw/raw',
      operator: 'raw/raw',
      prosecutor: 'raw/raw',
      authority: 'raw/raw',
      interpreter: 'masked/raw',
      accused: 'masked/masked',
      defence: 'masked/masked',
      support: 'masked/masked',
      public: 'masked/masked',
    });
  });

  it("each measure disguises only its own kind, and only the witness's side (witness, requested authority, support person)", () => {
    expect(variant('accused', 'video', ['faceMask'])).to.equal('masked');
    expect(variant('accused', 'audio', ['faceMask'])).to.equal('raw');
    expect(variant('accused', 'audio', ['voiceMask'])).to.equal('masked');
    expect(variant('accused', 'video', ['voiceMask'])).to.equal('raw');
    expect(variant('accused', 'video', ['faceMask', 'voiceMask'], 'judge')).to.equal('raw');
    expect(variant('accused', 'audio', ['voiceMask'], 'authority')).to.equal('masked');
    expect(variant('public', 'video', ['faceMask'], 'support')).to.equal('masked');
    expect(variant('judge', 'audio', ['voiceMask'], 'authority')).to.equal('raw');
    expect(variant('public', 'audio', ['faceMask', 'voiceMask'], 'interpreter')).to.equal('raw');
  });

  it('closedSession cuts the public gallery off from everything, and only the public gallery', () => {
    for (const sourceRole of PARTICIPANT_ROLES) {
      for (const kind of ['audio', 'video'] as const) {
        expect(variant('public', kind, ['closedSession', 'faceMask'], sourceRole)).to.equal('none');
      }
    }
    expect(variant('accused', 'video', ['closedSession'], 'judge')).to.equal('raw');
    expect(variant('accused', 'video', ['closedSession', 'faceMask'])).to.equal('masked');
  });
});
