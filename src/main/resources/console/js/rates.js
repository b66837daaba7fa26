// Rates over time from polled counts: the difference between two readings over the time between them.

/** A counter read at each poll (events_total over 30 days grows with every accepted event). */
export class CounterRate {
  constructor(capacity) {
    this.capacity = capacity;
    this.previous = null;
    this.points = [];
  }

  add(millis, count) {
    if (this.previous && millis > this.previous.millis) {
      const perSecond = Math.max(0, count - this.previous.count) / ((millis - this.previous.millis) / 1000);
      this.points.push(perSecond);
      if (this.points.length > this.capacity) this.points.shift();
    }
    this.previous = { millis, count };
  }
}

/**
 * Delivery attempts per second from the webhooks' attempt logs (newest first): attempts not seen at the
 * previous poll, split into delivered and failed. When every row of a log page is new, more may have
 * happened than the page holds, and the rate is a lower bound.
 */
export class AttemptRate {
  constructor(capacity) {
    this.capacity = capacity;
    this.seen = null;
    this.previousMillis = null;
    this.delivered = [];
    this.failed = [];
    this.lowerBound = false;
  }

  add(millis, logs, pageSize) {
    const ids = new Set();
    let delivered = 0;
    let failed = 0;
    let saturated = false;
    for (const log of logs) {
      let fresh = 0;
      for (const row of log) {
        ids.add(row.attempt_id);
        if (this.seen && !this.seen.has(row.attempt_id)) {
          fresh += 1;
          if (row.success) delivered += 1;
          else failed += 1;
        }
      }
      if (this.seen && log.length === pageSize && fresh === log.length) saturated = true;
    }
    if (this.seen && millis > this.previousMillis) {
      const seconds = (millis - this.previousMillis) / 1000;
      this.push(this.delivered, delivered / seconds);
      this.push(this.failed, failed / seconds);
      this.lowerBound = saturated;
    }
    this.seen = ids;
    this.previousMillis = millis;
  }

  push(points, value) {
    points.push(value);
    if (points.length > this.capacity) points.shift();
  }
}
