import { afterAll, describe, expect, it } from 'vitest';
import { mailFor } from './support/host-reads.js';
import { Testnet } from '../../testkit/testnet.js';

/** Decoded sizes of the envelopes waiting for `recipient`, oldest first. */
const mailboxSizes = (directoryPath: string, recipient: string) =>
  mailFor(directoryPath, recipient).map((r) => Buffer.from(r.envelope as string, 'base64').length);

/**
 * The mailbox sees each envelope's size: sealed envelopes are padded to
 * size buckets, so it learns the bucket, not the length of the text.
 */
describe('what the mailbox sees of a message', () => {
  const net = new Testnet();
  afterAll(() => net.close());

  it('two texts of different lengths in one bucket make envelopes of the same size; a longer one the next bucket', async () => {
    const ana = await net.start({ username: 'ana' });
    const bo = await net.start({ username: 'bo-with-a-longer-name' });
    await net.befriend(ana, bo);
    await bo.stop();
    // What was already waiting for bo (the grants of the friendship) is not part of this.
    const before = mailboxSizes(net.directoryPath, 'bo-with-a-longer-name').length;
    const texts = ['ok', 'see you at the station at 6, bring the tickets please', 'x'.repeat(400), 'é'.repeat(2000)];
    for (const text of texts) expect((await ana.api.send('bo-with-a-longer-name', text)).status).toBe('stored');
    const sizes = mailboxSizes(net.directoryPath, 'bo-with-a-longer-name').slice(before);
    expect(sizes).toEqual([512, 512, 1024, 8192]);
  });
});
