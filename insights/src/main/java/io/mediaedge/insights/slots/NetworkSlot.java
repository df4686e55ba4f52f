package io.mediaedge.insights.slots;

import io.mediaedge.eventschema.HistoryEvent.Action;

/**
 * One (country, ASN) in one slot: what its requests came to, the latency of its uploads, their
 * bytes and time, and the bytes and time of the uploads large enough to measure bandwidth (its
 * upload throughput). What ISP health and detection read.
 *
 * <p>Latency is kept for uploads only: they are what the edge is for and what a troubled ISP
 * slows first, and one histogram per network is most of a slot's memory (downloads and deletes
 * keep theirs per region).
 */
public final class NetworkSlot {
  /**
   * The smallest upload whose bytes over time say something about the network's bandwidth: below
   * it an upload's time is mostly round trips and our own work, so a network whose users happened
   * to send small files would look slow. A constant, not an option: every instance's partials
   * must measure alike.
   */
  public static final long MEASURED_MIN_BYTES = 256 * 1024;

  private String isp;
  private final OutcomeCounts outcomes;
  private final LatencyHistogram uploadLatency;
  private long uploadBytes;
  private long uploadMillis;
  private long uploads;
  private long measuredUploads;
  private long measuredBytes;
  private long measuredMillis;

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
      if (contentLength >= MEASURED_MIN_BYTES) {
        addMeasured(1, contentLength, latencyMs);
      }
    }
  }

  /** Successful uploads: how many, their bytes and the time they took. */
  public void addUploads(long count, long bytes, long millis) {
    uploads += count;
    uploadBytes += bytes;
    uploadMillis += millis;
  }

  /** Uploads of at least {@link #MEASURED_MIN_BYTES}: what throughput is measured on. */
  public void addMeasured(long count, long bytes, long millis) {
    measuredUploads += count;
    measuredBytes += bytes;
    measuredMillis += millis;
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
    addMeasured(other.measuredUploads, other.measuredBytes, other.measuredMillis);
  }

  public NetworkSlot copy() {
    NetworkSlot copy = new NetworkSlot(isp, outcomes.copy(), uploadLatency.copy());
    copy.addUploads(uploads, uploadBytes, uploadMillis);
    copy.addMeasured(measuredUploads, measuredBytes, measuredMillis);
    return copy;
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

  public long measuredUploads() {
    return measuredUploads;
  }

  public long measuredBytes() {
    return measuredBytes;
  }

  public long measuredMillis() {
    return measuredMillis;
  }
}
