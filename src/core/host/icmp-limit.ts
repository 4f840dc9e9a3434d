/**
 * Per-destination ICMP error rate limit (inet_peer_xrlim_allow): a token bucket that
 * refills one token per `icmp_ratelimit` and holds at most six (XRLIM_BURST_FACTOR).
 */
const BURST = 6;

export class IcmpLimiter {
  private peers = new Map<number, { tokens: number; last: number }>();

  allow(peer: number, now: number, interval: number): boolean {
    if (interval <= 0) return true;
    let p = this.peers.get(peer);
    if (!p) {
      // A new inet_peer starts with rate_last = 0 while jiffies are far past it, so its
      // bucket is already full — even at the lab's time 0.
      p = { tokens: BURST * interval, last: now };
      this.peers.set(peer, p);
    }
    p.tokens = Math.min(BURST * interval, p.tokens + (now - p.last));
    p.last = now;
    if (p.tokens >= interval) {
      p.tokens -= interval;
      return true;
    }
    return false;
  }
}
