import type { Topology } from '../render/layout';

/**
 * A hard-coded direct-routing (DR) lab for the first page: three clients reach the
 * virtual service through a router; the director and the real servers share one LAN
 * behind a switch, as LVS-DR requires. To be replaced by the core's live topology.
 */
export const SAMPLE_DR_TOPOLOGY: Topology = {
  nodes: [
    { id: 'client1', kind: 'client' },
    { id: 'client2', kind: 'client' },
    { id: 'client3', kind: 'client' },
    { id: 'router', kind: 'router' },
    { id: 'switch', kind: 'switch' },
    { id: 'director', kind: 'director' },
    { id: 'rs1', kind: 'rs' },
    { id: 'rs2', kind: 'rs' },
    { id: 'rs3', kind: 'rs' },
  ],
  links: [
    { a: 'client1', b: 'router' },
    { a: 'client2', b: 'router' },
    { a: 'client3', b: 'router' },
    { a: 'router', b: 'switch' },
    { a: 'switch', b: 'director' },
    { a: 'switch', b: 'rs1' },
    { a: 'switch', b: 'rs2' },
    { a: 'switch', b: 'rs3' },
  ],
};
