import { expect } from 'chai';
import net from 'node:net';
import mongoose from 'mongoose';
import { isConnectivityError } from '../../../server/db/gate.js';

/** The error Node gives a write to a socket whose other end closed it (what the driver let through when the database was killed). */
async function writeAfterPeerClosed(): Promise<Error> {
  const server = net.createServer((s) => s.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  try {
    const { port } = server.address() as net.AddressInfo;
    const client = net.connect({ port, host: '127.0.0.1' });
    await new Promise((r) => client.once('end', r));
    const err = await new Promise<Error>((resolve) => {
      client.once('error', resolve);
      client.write('ping', (e) => e && resolve(e));
    });
    client.destroy();
    return err;
  } finally {
    server.close();
  }
}

describe('which errors mean the database is out of reach (503, not 500)', () => {
  it("a socket error the driver did not wrap (EPIPE after the database closed the connection) is one; a server's answer is not", async () => {
    const epipe = await writeAfterPeerClosed();
    expect((epipe as NodeJS.ErrnoException).code).to.equal('EPIPE');
    expect(epipe.message).to.contain('ended by the other party');
    expect(isConnectivityError(epipe), epipe.message).to.equal(true);
    expect(isConnectivityError(new mongoose.mongo.MongoNetworkError('connection closed'))).to.equal(true);
    expect(isConnectivityError(new mongoose.mongo.MongoServerError({ message: 'E11000 duplicate key', code: 11000 }))).to.equal(false);
    expect(isConnectivityError(new Error('something else'))).to.equal(false);
  });
});
