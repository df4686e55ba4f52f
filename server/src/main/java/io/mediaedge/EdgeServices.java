package io.mediaedge;

import io.mediaedge.auth.PropertyExtractor;
import io.mediaedge.config.EdgeConfig;
import io.mediaedge.config.EdgeNetworkConfig;
import io.mediaedge.config.ReloadableFile;
import io.mediaedge.config.SteeringConfig;
import io.mediaedge.edge.ClientAddressResolver;
import io.mediaedge.edge.ClientIpForm;
import io.mediaedge.edge.EdgeTagger;
import io.mediaedge.edge.RouteHints;
import io.mediaedge.edge.RouteTable;
import io.mediaedge.edge.SteeringOverrides;
import io.mediaedge.edge.SteeringWatch;
import io.mediaedge.edge.TrustedProxies;
import io.mediaedge.edge.geo.GeoLocator;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge half of the composition root: trusted proxies, GeoIP, request properties, route hints
 * (with the steering overrides when the region follows advisories) and the metrics registry, with
 * the files behind them watched for changes.
 */
public final class EdgeServices implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EdgeServices.class);

  private final EdgeNetworkConfig config;
  private final TrustedProxies proxies;
  private final EdgeTagger tagger;
  private final PropertyExtractor properties;
  private final RouteHints routes;
  private final PrometheusMeterRegistry metrics;
  private final GeoLocator geo;
  private final JvmGcMetrics gcMetrics;
  /** Empty unless {@code steering.enabled}. */
  private final Optional<SteeringOverrides> steering;
  private final Optional<SteeringWatch> steeringWatch;

  private EdgeServices(EdgeNetworkConfig config, TrustedProxies proxies, GeoLocator geo, EdgeTagger tagger,
      PropertyExtractor properties, RouteHints routes, PrometheusMeterRegistry metrics, JvmGcMetrics gcMetrics,
      Optional<SteeringOverrides> steering, Optional<SteeringWatch> steeringWatch) {
    this.config = config;
    this.steering = steering;
    this.steeringWatch = steeringWatch;
    this.gcMetrics = gcMetrics;
    this.geo = geo;
    this.proxies = proxies;
    this.tagger = tagger;
    this.properties = properties;
    this.routes = routes;
    this.metrics = metrics;
  }

  /** Reads every file the edge needs (blocking); a bad one stops the start with its name. */
  public static EdgeServices open(Vertx vertx, EdgeConfig config) {
    EdgeNetworkConfig edge = config.edge();
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Heap, GC and CPU next to our own counters: flat memory is a claim we want to watch.
    new JvmMemoryMetrics().bindTo(metrics);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(metrics);
    new ProcessorMetrics().bindTo(metrics);
    TrustedProxies proxies = new TrustedProxies(edge.trustedProxies(), edge.trustedProxyFiles());
    if (proxies.isEmpty()) {
      log.info("No trusted proxies configured: forwarding headers (CF-Connecting-IP, X-Forwarded-For) are ignored");
    } else {
      log.info("Forwarding headers are believed from {} trusted proxy range(s)", proxies.size());
    }
    GeoLocator geo = GeoLocator.open(vertx, config.geo());
    log.info("GeoIP: {}", geo.describe());
    EdgeTagger tagger = new EdgeTagger(new ClientAddressResolver(proxies), geo::locate,
        ClientIpForm.parse(edge.clientIp()), config.server().region());
    PropertyExtractor properties = new PropertyExtractor(config.properties().paths(), config.properties().headers(),
        config.properties().maxValueLength());
    RouteHints routes = edge.routesFile()
        .map(file -> RouteHints.fromFile(new ReloadableFile<>(file, "route table", RouteTable::read), metrics))
        .orElseGet(() -> RouteHints.fixed(RouteTable.single(edge.defaultUploadHost()), metrics));
    SteeringConfig steer = config.steering();
    Optional<SteeringOverrides> steering = steer.enabled()
        ? Optional.of(new SteeringOverrides(steer, Clock.systemUTC(), metrics)) : Optional.empty();
    Optional<SteeringWatch> watch = steering.map(table -> new SteeringWatch(table, steer.killSwitchFile()));
    if (steering.isPresent()) {
      watch.get().checkNow();
      routes = routes.following(steering.get());
      log.info("Following ISP advisories from {}: steered networks go to {} for up to {} each, at most {} at once;"
          + " kill switch {}{}", steer.topic(), steer.alternativeHost(), steer.ttl(), steer.maxSteeredNetworks(),
          steer.killSwitchFile().map(Object::toString).orElse("not configured"),
          steering.get().killSwitchOn() ? " (on now: no override applies)" : "");
    }
    return new EdgeServices(edge, proxies, geo, tagger, properties, routes, metrics, gc, steering, watch);
  }

  void start(Vertx vertx) {
    geo.start();
    proxies.watch(vertx, config.reloadCheckInterval());
    routes.watch(vertx, config.reloadCheckInterval());
    steeringWatch.ifPresent(watch -> watch.start(vertx, config.reloadCheckInterval()));
  }

  public EdgeTagger tagger() {
    return tagger;
  }

  public PropertyExtractor properties() {
    return properties;
  }

  public RouteHints routes() {
    return routes;
  }

  /** The networks advisories steer; empty unless the region follows advisories. */
  public Optional<SteeringOverrides> steering() {
    return steering;
  }

  public GeoLocator geo() {
    return geo;
  }

  public PrometheusMeterRegistry metrics() {
    return metrics;
  }

  @Override
  public void close() {
    gcMetrics.close();
    geo.close();
    proxies.stop();
    routes.stop();
    steeringWatch.ifPresent(SteeringWatch::stop);
  }
}
