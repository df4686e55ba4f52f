package io.mediaedge.insights.slots;

import io.mediaedge.eventschema.HistoryEvent.Action;

/**
 * One (country, ASN) in one slot: what its requests came to, their latency per action, and for
 * uploads the bytes and time that give its throughput. What ISP health and detection read.
 */
public final class NetworkSlot {
  private static final int ACTIONS = Action.values().length;

  private String isp;
  private final OutcomeCounts outcomes;
  private final LatencyHistogram[] latencyByAction;
  private long uploadBytes;
  private long uploadMillis;
  private long uploads;

  public NetworkSlot(String isp) {
    this(isp, new OutcomeCounts(), new LatencyHistogram[ACTIONS], 0, 0, 0);
  }

  private NetworkSlot(String isp, OutcomeCounts outcomes, LatencyHistogram[] latencyByAction, long uploadBytes,
      long uploadMillis, long uploads) {
    this.isp = isp == null ? "" : isp;
    this.outcomes = outcomes;
    this.latencyByAction = latencyByAction;
    this.uploadBytes = uploadBytes;
    this.uploadMillis = uploadMillis;
    this.uploads = uploads;
  }

  void record(Outcome outcome, long latencyMs, long contentLength, String ispName) {
    if (!ispName.isEmpty()) {
      isp = ispName;
    }
    outcomes.add(outcome, 1);
    latency(outcome.action()).record(latencyMs);
    if (outcome.action() == Action.UPLOAD) {
      addUploads(1, contentLength, latencyMs);
    }
  }

  /** Uploads that count toward throughput (bytes stored over the time they took). */
  public void addUploads(long count, long bytes, long millis) {
    uploads += count;
    uploadBytes += bytes;
    uploadMillis += millis;
  }

  /** The histogram of one action's latencies, created when first asked for. */
  public LatencyHistogram latency(Action action) {
    LatencyHistogram histogram = latencyByAction[action.ordinal()];
    if (histogram == null) {
      histogram = new LatencyHistogram();
      latencyByAction[action.ordinal()] = histogram;
    }
    return histogram;
  }

  /** One action's latencies, or null when there were none. */
  public LatencyHistogram latencyOrNull(Action action) {
    return latencyByAction[action.ordinal()];
  }

  public void addAll(NetworkSlot other) {
    if (!other.isp.isEmpty()) {
      isp = other.isp;
    }
    outcomes.addAll(other.outcomes);
    for (Action action : Action.values()) {
      LatencyHistogram theirs = other.latencyOrNull(action);
      if (theirs != null) {
        latency(action).addAll(theirs);
      }
    }
    addUploads(other.uploads, other.uploadBytes, other.uploadMillis);
  }

  public NetworkSlot copy() {
    NetworkSlot copy = new NetworkSlot(isp);
    copy.addAll(this);
    return copy;
  }

  public void setIsp(String isp) {
    this.isp = isp == null ? "" : isp;
  }

  public String isp() {
    return isp;
  }

  public OutcomeCounts outcomes() {
    return outcomes;
  }

  public long uploadBytes() {
    return uploadBytes;
  }

  public long uploadMillis() {
    return uploadMillis;
  }

  public long uploads() {
    return uploads;
  }
}
