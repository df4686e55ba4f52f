package io.mediaedge.it;

import io.mediaedge.EdgeServer;
import java.io.IOException;

/** How a raw client reaches a media-edge. */
enum Transport {
  PLAIN, TLS;

  RawHttp open(EdgeServer server) throws IOException {
    return this == PLAIN ? RawHttp.plain(server.httpPort()) : RawHttp.tls(server.httpsPort());
  }
}
