package io.mediaedge.history;

import io.vertx.core.Future;

/**
 * Bytes held for one upload from this instance's lease. The upload ends in exactly one of two
 * ways: {@link #charge} then {@link #recorded} once the charge is written with the media row, or
 * {@link #release} (before or after {@link #charge}) when it fails.
 */
public interface QuotaHold {

  /**
   * The charge of {@code actualBytes} (at most the bytes held) to write in the same batch as the
   * upload's media row: it is how the bytes are counted should this instance die before it folds
   * them into the user's usage. May wait for the lease to be renewed.
   */
  Future<QuotaCharge> charge(long actualBytes);

  /** The charge is written: its bytes are the user's now. */
  void recorded();

  /** The upload failed: the bytes are free again. Safe to call more than once. */
  void release();
}
