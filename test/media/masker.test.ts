/**
 * The masker on composed scenes (tools/masker/masker.py, face mode, real mediapipe models): the
 * witness's face must come out hidden in every frame, also turned or lying while another,
 * upright face is in the picture (the face detector then finds only the other one), touching it
 * (one outline for the two) or moving fast.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';
import { ROOT } from '../support/hooks.js';

describe('the video masker on composed scenes (real masker process)', function () {
  this.timeout(180_000);

  it("hides the witness's face in every frame: alone, turned from 30° to 180° beside an upright face, after a pause in the input, touching the other and moving fast", () => {
    const out = execFileSync(
      path.join(ROOT, 'tools/masker/venv/bin/python'),
      [path.join(ROOT, 'test/media/masker_scenes.py'), path.join(ROOT, 'tools/masker/masker.py'), path.join(ROOT, 'test/e2e/media/fixtures/out/face.png')],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const report = JSON.parse(out.trim().split('\n').pop()!) as Record<string, { frames: number; worstDetail: number }>;
    expect(Object.keys(report)).to.have.length(11);
    for (const [scene, r] of Object.entries(report)) {
      expect(r.frames, scene).to.equal(30);
      // 0: the region is filled or flattened into coarse blocks; 1: shown as it was.
      expect(r.worstDetail, `face detail that came through: ${scene}`).to.be.at.most(0.05);
    }
  });
});
