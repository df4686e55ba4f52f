package io.mediaedge.insights.slots;

import io.mediaedge.eventschema.HistoryEvent.Action;

/**
 * One (country, ASN) in one slot: what its requests came to, the latency of its uploads, and the
 * bytes and time that give its upload throughput. What ISP health and detection read.
 *
 * <p>Latency is kept for uploads only: they are what the edge is for and what a troubled ISP
 * slows first, and one histogram per network is most of a slot's memory (downloads and deletes
 * keep theirs per region).
 */
public final class NetworkSlot {
  private String isp;
  private final OutcomeCounts outcomes;
  private final LatencyHistogram uploadLatency;
  private long uploadBytes;
  private long uploadMillis;
  private long uploads;

  public NetworkSlot(String isp) {
    this(isp, new OutcomeCounts(), new LatencyHistogram());
  }

  private NetworkSlot(String isp, OutcomeCounts outcomes, LatencyHistogram uploadLatency) {
    this.isp = isp == null ? "" : isp;
    this.outcomes = outcomes;
    this.uploadLatency = uploadLatency;
  }

  void record(Outcome outcome, long latencyMs, long contentLength, String ispName) {
    if (!ispName.isEmpty()) {
      isp = ispName;
    }
    outcomes.add(outcome, 1);
    if (outcome.action() == Action.UPLOAD) {
      uploadLatency.record(latencyMs);
      addUploads(1, contentLength, latencyMs);
    }
  }

  /** Uploads that count toward throughput (bytes stored over the time they took). */
  public void addUploads(long count, long bytes, long millis) {
    uploads += count;
    uploadBytes += bytes;
    uploadMillis += millis;
  }

  /** The latency of its successful uploads. */
  public LatencyHistogram uploadLatency() {
    return uploadLatency;
  }

  public void addAll(NetworkSlot other) {
    if (!other.isp.isEmpty()) {
      isp = other.isp;
    }
    outcomes.addAll(other.outcomes);
    uploadLatency.addAll(other.uploadLatency);
    addUploads(other.uploads, other.uploadBytes, other.uploadMillis);
  }

  public NetworkSlot copy() {
    return new NetworkSlot(isp, outcomes.copy(), uploadLatency.copy()).withUploads(uploads, uploadBytes, uploadMillis);
  }

  private NetworkSlot withUploads(long count, long bytes, long millis) {
    addUploads(count, bytes, millis);
    return this;
  }

  void trim() {
    outcomes.trim();
    uploadLatency.trim();
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
