import { ApiClient, ApiError } from '../../../shared/api-client.js';
import type { HostInfo } from '../../../shared/contract.js';
import { isHostProof, newNonce } from '../host-proof.js';

/**
 * What answered on the API port host.json names, asked for the host's proof
 * (host-proof.ts) without the token:
 * - `proven`: the host this data dir's host.json describes;
 * - `nobody`: nothing listens there (the host is gone, its pid reused);
 * - `impostor`: something answered, but not with the proof;
 * - `silent`: no answer in time (a host too busy to answer, or a listener
 *   that holds the connection): nothing is known;
 * - `unprovable`: host.json has no proof key (a host older than the proof).
 */
export type HostCheck = 'proven' | 'nobody' | 'impostor' | 'silent' | 'unprovable';

export async function verifyRunningHost(info: HostInfo, timeoutMs: number): Promise<HostCheck> {
  if (!info.proof_key) return 'unprovable';
  const nonce = newNonce();
  try {
    const { proof } = await new ApiClient({ baseUrl: `http://127.0.0.1:${info.api_port}`, token: null, timeoutMs }).proof(nonce);
    return isHostProof(info.proof_key, nonce, proof) ? 'proven' : 'impostor';
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 0) return 'impostor';
    const causes = causesOf(err);
    if (causes.some((c) => c.code === 'ECONNREFUSED')) return 'nobody';
    if (causes.some((c) => c.name === 'TimeoutError')) return 'silent';
    // Accepted, then hung up or spoke no HTTP: a listener, not a host.
    return 'impostor';
  }
}

/** The chain of causes under a failed request (ApiError, fetch's TypeError, the socket's error). */
function causesOf(err: unknown): Array<{ code?: unknown; name?: unknown }> {
  const chain: Array<{ code?: unknown; name?: unknown }> = [];
  for (let at: unknown = err; typeof at === 'object' && at !== null && chain.length < 8; at = (at as { cause?: unknown }).cause) {
    chain.push(at as { code?: unknown; name?: unknown });
  }
  return chain;
}
