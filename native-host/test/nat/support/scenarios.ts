import type { PeerPath } from '../../../../shared/contract.js';
import type { NatLab } from './nat-lab.js';

export interface Place {
  ns: string;
  address: string;
}

/** Something done to the network in the middle of the burst, and undone later. */
export interface TransportSwitch {
  label: string;
  begin(lab: NatLab): void;
  end(lab: NatLab): void;
  /** The path the session must come back to once the network allows it again. */
  endsOn: PeerPath;
}

export interface Scenario {
  name: string;
  /** The path a working build takes here (reported next to the one measured). */
  expected: PeerPath | 'mailbox';
  build(lab: NatLab): { alice: Place; bob: Place };
  /** The burst's transport switch, where this network has two paths to switch between. */
  transportSwitch?: TransportSwitch;
}

/** Direct UDP between the two homes is cut, then restored: the session falls back to a relay and comes back. */
const cutDirectUdp: TransportSwitch = {
  label: 'direct UDP cut, then restored',
  begin: (lab) => lab.blockUdpTo('a', lab.wan('b'), true),
  end: (lab) => lab.blockUdpTo('a', lab.wan('b'), false),
  endsOn: 'holepunch',
};

/** Router a stops randomising ports: a relayed session can now go direct. */
const routerTurnsCone: TransportSwitch = {
  label: 'router a turns cone (relay → direct)',
  begin: (lab) => lab.setNat('a', 'cone'),
  end: () => undefined,
  endsOn: 'holepunch',
};

/** Two homes behind routers of the given kinds: alice in a, bob in b. */
function twoHomes(a: 'cone' | 'symmetric', b: 'cone' | 'symmetric', aUdpBlocked = false) {
  return (lab: NatLab) => {
    lab.addRouter('a', 11, 1, { nat: a, udpBlocked: aUdpBlocked });
    lab.addRouter('b', 12, 2, { nat: b });
    return { alice: lab.addHome('a', 2), bob: lab.addHome('b', 2) };
  };
}

export const SCENARIOS: readonly Scenario[] = [
  { name: 'cone / cone', expected: 'holepunch', build: twoHomes('cone', 'cone'), transportSwitch: cutDirectUdp },
  { name: 'symmetric / symmetric', expected: 'relay', build: twoHomes('symmetric', 'symmetric'), transportSwitch: routerTurnsCone },
  { name: 'cone / symmetric', expected: 'holepunch', build: twoHomes('cone', 'symmetric'), transportSwitch: cutDirectUdp },
  {
    name: 'one home public',
    expected: 'tcp',
    build: (lab) => {
      lab.addRouter('a', 11, 1, { nat: 'cone' });
      return { alice: lab.addHome('a', 2), bob: lab.addPublicHost(20) };
    },
  },
  { name: 'UDP blocked at one router', expected: 'mailbox', build: twoHomes('cone', 'cone', true) },
  {
    name: 'same router',
    expected: 'tcp',
    build: (lab) => {
      lab.addRouter('a', 11, 1, { nat: 'cone' });
      return { alice: lab.addHome('a', 2), bob: lab.addHome('a', 3) };
    },
  },
];
