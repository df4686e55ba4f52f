package io.mediaedge.edge;

import io.mediaedge.edge.ClientAddressResolver.ClientAddress;
import io.mediaedge.edge.geo.GeoAnswer;
import io.vertx.core.MultiMap;
import java.net.InetAddress;
import java.util.function.Function;

/** Builds the {@link EdgeView} of a request: client address, GeoIP/ISP, CDN point of presence. */
public final class EdgeTagger {
  private final ClientAddressResolver resolver;
  private final Function<InetAddress, GeoAnswer> geo;
  private final ClientIpForm ipForm;
  private final String region;

  /** {@code geo} must answer fast and never throw (the GeoIP locator is memory-mapped and cached). */
  public EdgeTagger(ClientAddressResolver resolver, Function<InetAddress, GeoAnswer> geo, ClientIpForm ipForm,
      String region) {
    this.resolver = resolver;
    this.geo = geo;
    this.ipForm = ipForm;
    this.region = region;
  }

  public EdgeView see(InetAddress peer, MultiMap headers) {
    ClientAddress client = resolver.resolve(peer, headers);
    boolean proxied = client.viaTrustedProxy();
    return new EdgeView(client.ip(), ipForm.show(client.ip()), proxied, geo.apply(client.ip()),
        proxied ? CdnHeaders.pop(headers) : "", proxied ? CdnHeaders.country(headers) : "", region);
  }
}
