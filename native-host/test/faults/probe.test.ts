import { afterAll, it } from 'vitest';
import { Testnet } from '../support/testnet.js';
import { burst } from './support/burst.js';
import { friends } from './support/pair.js';

const net = new Testnet();
afterAll(() => net.close());
it('probe', async () => {
  const [alice] = await friends(net, { username: 'alice' }, { username: 'bob' });
  const t0 = Date.now();
  const out = await burst(alice, 'bob', 'probe', 100, { concurrency: 4 });
  const vals = [...out.accepted.values()].map((a) => a.result.status);
  console.log('PROBE', Date.now() - t0, JSON.stringify(vals.reduce((m: Record<string, number>, s) => ((m[s] = (m[s] ?? 0) + 1), m), {})));
  console.log(vals.join(','));
});
