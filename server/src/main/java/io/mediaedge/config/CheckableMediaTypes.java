package io.mediaedge.config;

import java.util.Set;

/**
 * The media types whose leading bytes the upload room can check against the declared type; {@code
 * upload.types} may name only these. The list is kept here, not read from the checker, so that the
 * configuration imports nothing of ours; {@code MediaSignatureTest} holds the two lists together.
 */
public final class CheckableMediaTypes {
  public static final Set<String> ALL = Set.of("image/jpeg", "image/png", "image/gif", "image/webp", "image/heic",
      "image/heif", "image/avif", "video/mp4", "audio/mp4", "audio/x-m4a", "video/x-m4v", "video/quicktime",
      "video/3gpp", "audio/3gpp", "video/webm", "audio/webm", "audio/mpeg", "audio/aac", "audio/ogg", "video/ogg",
      "audio/opus", "audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave", "audio/flac", "audio/amr");

  private CheckableMediaTypes() {}
}
