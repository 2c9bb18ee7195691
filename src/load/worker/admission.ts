/** Bounded admission: how many sign-ins one worker lets wait for a connection before it stops sending. */

/**
 * The most sign-ins a worker keeps in flight: one per connection, plus as many again waiting for one.
 * Past that an arrival is not sent but counted as *saturated*: the generator (or the target behind it) is
 * at capacity, and queueing it would only grow memory, let GC eat the CPU the sends need, and hand the
 * target a burst later; latency is measured from the intended start anyway, so a request that waited its
 * turn shows its wait, and one that could not even wait is a count the run reports.
 */
export function maxInFlight(connections: number, waiting: number = connections): number {
  return Math.max(1, connections + Math.max(0, waiting));
}
