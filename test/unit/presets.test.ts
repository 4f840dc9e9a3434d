/**
 * The three classic labs work out of the box: a curl from client1 reaches rs1 by its real
 * address in every preset (routing, ARP, forwarding, TUN real-server setup), and requests
 * to the VIP are spread over rs1..rs3 by the director.
 */
import { describe, it, expect } from 'vitest';
import { httpGet, type HttpResult } from '../../src/apps-shim';
