import { expect } from 'chai';
import request from 'supertest';
import { startTestService, type TestService } from '../../support/service.js';

describe('HTTP error responses', () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService({ BODY_LIMIT: '1kb' });
  });
  after(async () => {
    await svc.close();
  });

  it('unknown API routes answer a JSON 404', async () => {
    const res = await request(svc.url).get('/api/no-such-thing').expect(404).expect('content-type', /json/);
    expect(res.body.error.code).to.equal('route_not_found');
  });

  it('unknown non-API routes answer a JSON 404 to non-HTML clients', async () => {
    const res = await request(svc.url).get('/nothing-here.txt').set('Accept', 'application/json').expect(404);
    expect(res.body.error.code).to.equal('route_not_found');
  });

  it('malformed JSON answers 400 without a stack trace', async () => {
    const res = await request(svc.url).post('/api/anything').set('Content-Type', 'application/json').send('{"a": ').expect(400);
    expect(res.body).to.deep.equal({ error: { code: 'malformed_json', message: 'The request body is not valid JSON.' } });
    expect(JSON.stringify(res.body)).not.to.match(/at .*\.js:\d+/);
  });

  it('an oversized body answers 413 as a JSON error', async () => {
    const big = JSON.stringify({ text: 'x'.repeat(4096) });
    const res = await request(svc.url).post('/api/anything').set('Content-Type', 'application/json').send(big).expect(413);
    expect(res.body.error.code).to.equal('payload_too_large');
    expect(res.body.error).not.to.have.property('stack');
  });
});
