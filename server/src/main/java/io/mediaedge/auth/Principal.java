package io.mediaedge.auth;

import io.vertx.core.json.JsonObject;

/** The authenticated caller: the user id from the configured claim, and all verified claims. */
public record Principal(String userId, JsonObject claims) {}
