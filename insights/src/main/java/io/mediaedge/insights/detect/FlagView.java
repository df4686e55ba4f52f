package io.mediaedge.insights.detect;

import io.mediaedge.eventschema.Advisory.Evidence;
import io.mediaedge.eventschema.Advisory.Signal;
import java.time.Instant;
import java.util.List;

/**
 * A network flagged now, as the API shows it.
 *
 * @param id the raise decision's advisory id (every RAISED announcement of this flag carries it)
 * @param signals what departs now (while clearing: what departed last)
 * @param since when it was raised
 * @param announcedAt when it was last announced (RAISED) on the topic
 * @param clearingSince null while some signal holds; else the first evaluation at which none did
 *     (it is CLEARED once that has lasted {@code clearAfter})
 * @param evidence the figures of the latest evaluation
 */
public record FlagView(String id, String country, String asn, String isp, List<Signal> signals, Instant since,
    Instant announcedAt, Instant clearingSince, long windowSeconds, Evidence evidence) {}
