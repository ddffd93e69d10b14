import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { defined } from '../../../../shared/defined.js';

/** How a home router maps ports: keeping them (cone) or a new one per destination (symmetric). */
export type NatKind = 'cone' | 'symmetric';

export interface RouterSpec {
  nat: NatKind;
  /** Drops every UDP packet between the home and the internet. */
  udpBlocked?: boolean;
}

/** The simulated internet's public addresses (TEST-NET-3). */
export const INTERNET = '203.0.113';
/** Public nodes (bootstrap and relays) live at .1 to .4. */
export const PUBLIC_NODES = [1, 2, 3, 4].map((n) => `${INTERNET}.${n}`);

interface Router {
  id: string;
  wan: string;
  /** 198.18.<n>.0/24 */
  subnet: number;
  spec: RouterSpec;
  homes: Map<string, string>;
}

/**
 * A small internet on one machine, made of network namespaces: a switch
 * (`inet`) for 203.0.113.0/24, a namespace of public nodes, and homes
 * behind routers that masquerade on their outside interface and, like every
 * home router, drop new inbound connections to themselves. Home addresses
 * are 198.18.<router>.<host>; nothing routes them across the internet, so
 * a packet to another home's address is silently lost, as on the real one.
 * Everything is created under a random prefix and removed by `down()`,
 * including any process still running inside.
 */
export class NatLab {
  readonly prefix = `pn${randomBytes(2).toString('hex')}`;
  private readonly routers = new Map<string, Router>();
  private readonly publicHosts = new Set<string>();
  private veths = 0;

  get publicNs(): string {
    return `${this.prefix}-pub`;
  }

  /** The switch and the public nodes' namespace (addresses .1 to .4). */
  up(): void {
    const inet = this.ns('inet');
    ip('netns', 'add', inet);
    nsx(inet, 'ip', 'link', 'set', 'lo', 'up');
    nsx(inet, 'ip', 'link', 'add', 'br0', 'type', 'bridge');
    nsx(inet, 'ip', 'link', 'set', 'br0', 'up');
    // No forwarding here: private destinations are dropped, not answered.
    nsx(inet, 'ip', 'addr', 'add', `${INTERNET}.254/24`, 'dev', 'br0');
    ip('netns', 'add', this.publicNs);
    nsx(this.publicNs, 'ip', 'link', 'set', 'lo', 'up');
    this.plug(this.publicNs, 'eth0', inet, 'br0');
    for (const address of PUBLIC_NODES) nsx(this.publicNs, 'ip', 'addr', 'add', `${address}/24`, 'dev', 'eth0');
  }

  /** A router on the internet at 203.0.113.<wanHost> serving 198.18.<subnet>.0/24. */
  addRouter(id: string, wanHost: number, subnet: number, spec: RouterSpec): void {
    const router: Router = { id, wan: `${INTERNET}.${wanHost}`, subnet, spec, homes: new Map() };
    this.routers.set(id, router);
    this.buildRouter(router);
  }

  /** A host in a home behind router `id`, at 198.18.<subnet>.<host>; returns its namespace. */
  addHome(id: string, host: number): { ns: string; address: string } {
    const router = this.router(id);
    const ns = this.ns(`${id}${host}`);
    const address = `198.18.${router.subnet}.${host}`;
    ip('netns', 'add', ns);
    nsx(ns, 'ip', 'link', 'set', 'lo', 'up');
    router.homes.set(ns, address);
    this.wireHome(router, ns, address);
    return { ns, address };
  }

  /** A host with a public address on the internet, no NAT. */
  addPublicHost(host: number): { ns: string; address: string } {
    const ns = this.ns(`p${host}`);
    const address = `${INTERNET}.${host}`;
    ip('netns', 'add', ns);
    nsx(ns, 'ip', 'link', 'set', 'lo', 'up');
    this.plug(ns, 'eth0', this.ns('inet'), 'br0');
    nsx(ns, 'ip', 'addr', 'add', `${address}/24`, 'dev', 'eth0');
    this.publicHosts.add(ns);
    return { ns, address };
  }

  /** The router's WAN address. */
  wan(id: string): string {
    return this.router(id).wan;
  }

  /** Changes how router `id` maps ports from now on (existing mappings stay). */
  setNat(id: string, nat: NatKind): void {
    const router = this.router(id);
    router.spec = { ...router.spec, nat };
    nsx(this.ns(`r${id}`), 'nft', 'delete', 'table', 'ip', 'nat');
    nft(this.ns(`r${id}`), natRules(nat));
  }

  /** Drops (or stops dropping) UDP between router `id` and `otherWan`: only relays get through. */
  blockUdpTo(id: string, otherWan: string, blocked: boolean): void {
    const ns = this.ns(`r${id}`);
    if (blocked) {
      nft(ns, `table inet lab_block {\n  chain forward {\n    type filter hook forward priority -10\n    ip daddr ${otherWan} meta l4proto udp drop\n    ip saddr ${otherWan} meta l4proto udp drop\n  }\n}\n`);
    } else {
      nsx(ns, 'nft', 'delete', 'table', 'inet', 'lab_block');
    }
  }

  /**
   * Restarts router `id` the way a power cycle does: its namespace (and with
   * it every connection-tracking entry and both links) goes away, and after
   * `downMs` comes back with the same addresses and rules.
   */
  async restartRouter(id: string, downMs: number): Promise<void> {
    const router = this.router(id);
    ip('netns', 'del', this.ns(`r${id}`));
    await new Promise((r) => setTimeout(r, downMs));
    this.buildRouter(router);
    for (const [ns, address] of router.homes) this.wireHome(router, ns, address);
  }

  /** Removes the routers, homes and public hosts (and what runs in them); keeps the internet and public nodes. */
  clearHomes(): void {
    const names = [...this.routers.values()].flatMap((r) => [this.ns(`r${r.id}`), ...r.homes.keys()]);
    for (const ns of [...names, ...this.publicHosts]) removeNamespace(ns);
    this.routers.clear();
    this.publicHosts.clear();
  }

  /** Removes everything this lab created, killing what still runs inside. */
  down(): void {
    const ours = ip('netns', 'list')
      .split('\n')
      .map((line) => defined(line.split(' ')[0]))
      .filter((name) => name.startsWith(`${this.prefix}-`));
    for (const ns of ours) removeNamespace(ns);
  }

  private buildRouter(router: Router): void {
    const ns = this.ns(`r${router.id}`);
    ip('netns', 'add', ns);
    nsx(ns, 'ip', 'link', 'set', 'lo', 'up');
    nsx(ns, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
    this.plug(ns, 'wan0', this.ns('inet'), 'br0');
    nsx(ns, 'ip', 'addr', 'add', `${router.wan}/24`, 'dev', 'wan0');
    nsx(ns, 'ip', 'route', 'add', 'default', 'via', `${INTERNET}.254`);
    nsx(ns, 'ip', 'link', 'add', 'lan0', 'type', 'bridge');
    nsx(ns, 'ip', 'link', 'set', 'lan0', 'up');
    nsx(ns, 'ip', 'addr', 'add', `198.18.${router.subnet}.1/24`, 'dev', 'lan0');
    nft(ns, natRules(router.spec.nat));
    nft(ns, filterRules(router.spec.udpBlocked === true));
  }

  private wireHome(router: Router, ns: string, address: string): void {
    this.plug(ns, 'eth0', this.ns(`r${router.id}`), 'lan0');
    nsx(ns, 'ip', 'addr', 'add', `${address}/24`, 'dev', 'eth0');
    nsx(ns, 'ip', 'route', 'add', 'default', 'via', `198.18.${router.subnet}.1`);
  }

  /** A veth from `ns` (as `name`) to a bridge in `bridgeNs`. */
  private plug(ns: string, name: string, bridgeNs: string, bridge: string): void {
    const outer = `${this.prefix}v${this.veths++}`;
    ip('link', 'add', outer, 'type', 'veth', 'peer', 'name', name, 'netns', ns);
    ip('link', 'set', outer, 'netns', bridgeNs);
    nsx(bridgeNs, 'ip', 'link', 'set', outer, 'master', bridge, 'up');
    nsx(ns, 'ip', 'link', 'set', name, 'up');
  }

  private router(id: string): Router {
    const router = this.routers.get(id);
    if (!router) throw new Error(`no router ${id}`);
    return router;
  }

  private ns(name: string): string {
    return `${this.prefix}-${name}`;
  }
}

function natRules(nat: NatKind): string {
  // `random` gives every new flow a random source port: a symmetric NAT.
  const masquerade = nat === 'symmetric' ? 'masquerade random' : 'masquerade';
  return `table ip nat {\n  chain postrouting {\n    type nat hook postrouting priority srcnat\n    oifname "wan0" ${masquerade}\n  }\n}\n`;
}

function filterRules(udpBlocked: boolean): string {
  const block = udpBlocked ? '    meta l4proto udp drop\n' : '';
  return `table inet filter {\n  chain input {\n    type filter hook input priority 0\n    iifname "wan0" ct state new drop\n  }\n  chain forward {\n    type filter hook forward priority 0\n${block}  }\n}\n`;
}

function removeNamespace(ns: string): void {
  const pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  execFileSync('ip', ['netns', 'del', ns]);
}

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8' });
}

function nsx(ns: string, ...command: string[]): string {
  return execFileSync('ip', ['netns', 'exec', ns, ...command], { encoding: 'utf8' });
}

function nft(ns: string, rules: string): void {
  execFileSync('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], { input: rules });
}

/** Why the suite cannot run here, or null when it can. */
export function labUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (it creates network namespaces)';
  for (const [tool, flag, pkg] of [['ip', '-V', 'iproute2'], ['nft', '--version', 'nftables']] as const) {
    try {
      execFileSync(tool, [flag], { stdio: 'ignore' });
    } catch {
      return `needs ${pkg} (${tool} not found)`;
    }
  }
  return null;
}
