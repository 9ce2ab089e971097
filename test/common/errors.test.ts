import { expect } from 'chai';
import { NotFoundError, unlessNotFound } from '../../common/errors.js';

describe('unlessNotFound: a missing record is bad input, an outage is not', () => {
  it('gives the value, or undefined for NotFoundError', async () => {
    expect(await unlessNotFound(Promise.resolve(7))).to.equal(7);
    expect(await unlessNotFound(Promise.reject(new NotFoundError()))).to.equal(undefined);
  });

  it('lets every other failure through (a database error must stay a 503, never become a 400)', async () => {
    const outage = new Error('connection closed');
    let caught: unknown;
    await unlessNotFound(Promise.reject(outage)).catch((err: unknown) => (caught = err));
    expect(caught).to.equal(outage);
  });
});
