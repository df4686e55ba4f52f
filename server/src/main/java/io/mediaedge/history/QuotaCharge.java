package io.mediaedge.history;

/** An upload's bytes spent from the quota lease {@code leaseId}; stored with its media row. */
public record QuotaCharge(String owner, String leaseId, String mediaId, long bytes) {}
