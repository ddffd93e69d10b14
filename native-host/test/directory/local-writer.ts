// Child process for the multi-process test of the local directory: registers
// users and drops envelopes into one mailbox, interleaved, then exits.
import { LocalDirectory } from '../../src/directory/local-directory.js';
import { claim, envelope, makeUser } from './directory-fixtures.js';
import { defined } from '../../../shared/defined.js';

const [file, prefix, countText, recipient, capability] = process.argv.slice(2);
const count = Number(countText);
const directory = new LocalDirectory({ path: defined(file), busyTimeoutMs: 20_000 });
for (let i = 0; i < count; i++) {
  const user = makeUser(`${prefix}${i}`);
  await claim(directory, user);
  await directory.mailboxPut(defined(recipient), envelope(64), defined(capability));
}
await directory.close();
process.stdout.write('done\n');
