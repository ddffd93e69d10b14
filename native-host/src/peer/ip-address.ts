import net from 'node:net';
import { defined } from '../../../shared/defined.js';

/**
 * IP addresses as the peer layer judges them: which ones only make sense on
 * this machine or this link (never dialled on a stranger's say-so), and
 * which connections count as coming from "one address" for the listener's
 * caps. Textual parsing only; names are resolved elsewhere.
 */

/** The 16 bytes of an IPv6 address, IPv4 mapped (`::ffff:a.b.c.d`); null when `ip` is not an address. */
export function ipBytes(ip: string): Uint8Array | null {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  const unzoned = bare.replace(/%.*$/, '');
  const kind = net.isIP(unzoned);
  if (kind === 4) return Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...unzoned.split('.').map(Number)]);
  if (kind !== 6) return null;
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hextets first.
  const text = unzoned.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_m, a, b, c, d) =>
    `${((+a << 8) | +b).toString(16)}:${((+c << 8) | +d).toString(16)}`,
  );
  const [head, tail] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const hextets = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const bytes = new Uint8Array(16);
  hextets.forEach((h, i) => {
    const value = parseInt(h, 16);
    bytes[2 * i] = value >> 8;
    bytes[2 * i + 1] = value & 0xff;
  });
  return bytes;
}

function isMappedV4(b: Uint8Array): boolean {
  return b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
}

/**
 * True for addresses that reach only this machine or this link: loopback
 * (127/8, ::1), unspecified (0.0.0.0/8, ::), link-local (169.254/16,
 * fe80::/10), multicast and broadcast. A host dials them only when the
 * directory is the local one (every friend is on this machine); from the
 * network they would turn the host into a probe of its own machine or LAN
 * services. Anything that is not an IP address is false: resolve names first.
 */
export function isLocalOnly(ip: string): boolean {
  const b = ipBytes(ip);
  if (!b) return false;
  if (isMappedV4(b)) {
    const [a, second] = [defined(b[12]), defined(b[13])];
    return a === 127 || a === 0 || (a === 169 && second === 254) || a >= 224;
  }
  const zero = (from: number, to: number) => b.subarray(from, to).every((x) => x === 0);
  if (zero(0, 15) && (b[15] === 0 || b[15] === 1)) return true; // :: and ::1
  if (b[0] === 0xfe && (defined(b[1]) & 0xc0) === 0x80) return true; // fe80::/10
  return b[0] === 0xff; // multicast
}

/**
 * The group a remote address counts in for per-address caps: the IPv4
 * address itself, or the /64 of an IPv6 one (one subscriber usually holds a
 * whole /64, so single IPv6 addresses would cost an attacker nothing).
 */
export function addressGroup(ip: string): string {
  const b = ipBytes(ip);
  if (!b) return ip;
  if (isMappedV4(b)) return Array.from(b.subarray(12)).join('.');
  const hex = Array.from(b.subarray(0, 8), (x) => x.toString(16).padStart(2, '0')).join('');
  return `${defined(hex.match(/.{4}/g)).join(':')}::/64`;
}
