package io.mediaedge.edge;

import io.mediaedge.config.ReloadableFile;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The peers whose forwarding headers we believe: ranges written in the configuration plus range
 * files (Cloudflare's published list) that reload when they change. Empty means nobody is
 * trusted, and every forwarding header is ignored.
 */
public final class TrustedProxies {
  private final IpRanges inline;
  private final List<ReloadableFile<IpRanges>> files = new ArrayList<>();
  private volatile IpRanges all;

  /** Reads the files now (blocking, at start-up); a bad range stops the start. */
  public TrustedProxies(List<String> cidrs, List<Path> rangeFiles) {
    this.inline = IpRanges.of(cidrs);
    for (Path file : rangeFiles) {
      files.add(new ReloadableFile<>(file, "trusted proxy ranges", IpRanges::read)
          .onChange(value -> rebuild()));
    }
    rebuild();
  }

  public static TrustedProxies none() {
    return new TrustedProxies(List.of(), List.of());
  }

  public boolean trusts(InetAddress peer) {
    return all.contains(peer);
  }

  public boolean isEmpty() {
    return all.isEmpty();
  }

  public int size() {
    return all.size();
  }

  public List<ReloadableFile<IpRanges>> files() {
    return List.copyOf(files);
  }

  public void watch(Vertx vertx, Duration interval) {
    files.forEach(file -> file.watch(vertx, interval));
  }

  public void stop() {
    files.forEach(ReloadableFile::stop);
  }

  private synchronized void rebuild() {
    IpRanges union = inline;
    for (ReloadableFile<IpRanges> file : files) {
      union = union.plus(file.get());
    }
    all = union;
  }
}
