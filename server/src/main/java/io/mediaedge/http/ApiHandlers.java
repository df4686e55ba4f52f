package io.mediaedge.http;

import io.mediaedge.auth.JwtAuthenticator;
import io.mediaedge.config.EdgeConfig;
import io.mediaedge.edge.IpRanges;
import io.mediaedge.http.ApiRoutes.HistoryFlows;
import io.mediaedge.http.ApiRoutes.Services;
import io.mediaedge.media.MediaApi;
import io.mediaedge.media.MediaId;
import io.mediaedge.media.RecordedMedia;
import io.mediaedge.media.StorageOnlyMedia;
import java.util.Optional;

/**
 * Every handler the route table registers, built once per event loop from what the composition
 * root made. With history off, the listing and tus handlers are absent and the history-off one
 * answers in their place; {@link ApiRoutes} only registers.
 */
record ApiHandlers(SecurityHeaders securityHeaders, AuthHandler auth, EdgeHandler edge, UploadHandler upload,
    MediaHandler media, HealthHandler health, MetricsHandler metrics, PinsHandler pins, FailureHandler failures,
    Optional<MediaHistoryHandler> listing, Optional<TusHandler> tus, HistoryOffHandler historyOff) {

  static ApiHandlers build(Services services, JwtAuthenticator authenticator) {
    EdgeConfig config = services.config();
    Optional<HistoryFlows> history = services.history();
    AuthHandler auth = new AuthHandler(authenticator);
    EdgeHandler edge = new EdgeHandler(services.tagger(), services.properties(), services.routes(),
        config.properties().maxMetadataBytes());
    // Without history an upload is the streaming into storage alone: the same code path, memory
    // budget and checks, with no quota, row or event around it.
    UploadHandler upload = new UploadHandler(history.<UploadHandler.Uploads>map(flows -> flows.uploads()::upload)
        .orElse((context, request, body, startedNanos) -> services.streaming().upload(context, request, body,
            MediaId.next())), config.upload(), edge);
    MediaHandler media = new MediaHandler(services.store(), history
        .<MediaApi>map(flows -> new RecordedMedia(flows.media()))
        .orElseGet(() -> new StorageOnlyMedia(services.store())), edge);
    HealthHandler health = new HealthHandler(services.ready(), config.server().region(), history.isPresent());
    MetricsHandler metrics = new MetricsHandler(services.metrics(), IpRanges.of(config.server().metricsAllowedFrom()));
    FailureHandler failures = new FailureHandler(new ErrorCounter(services.metrics()));

    Optional<MediaHistoryHandler> listing = history.map(flows -> new MediaHistoryHandler(flows.media(),
        new ListingCursor(flows.cursorKey())));
    Optional<TusHandler> tus = history.map(flows -> new TusHandler(flows.resumable(), config, edge));
    return new ApiHandlers(new SecurityHeaders(config.server().https().hsts()), auth, edge, upload, media, health,
        metrics, new PinsHandler(services.pins()), failures, listing, tus,
        new HistoryOffHandler(config.resumable().corsAllowedOrigins()));
  }
}
