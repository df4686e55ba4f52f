package io.mediaedge.bench;

import io.mediaedge.devstack.FreePorts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * nginx as the plain streaming reverse proxy a user could put in front of S3 instead of
 * media-edge: no request or response buffering, no body size limit, HTTP/1.1 keep-alive to the
 * upstream, a cleartext and a TLS listener (the dev certificate) on free loopback ports. It runs
 * in the foreground as an unprivileged process with every file under its own directory.
 */
final class NginxProxy implements AutoCloseable {
  /** The user nginx runs as when this JVM is root (nobody on Debian). */
  private static final String UNPRIVILEGED_ID = "65534";

  private final Path binary;
  private final Path dir;
  private final int httpPort;
  private final int httpsPort;
  private Process process;

  private NginxProxy(Path binary, Path dir, int httpPort, int httpsPort) {
    this.binary = binary;
    this.dir = dir;
    this.httpPort = httpPort;
    this.httpsPort = httpsPort;
  }

  /** {@code nginx -v}, e.g. "nginx/1.22.1", or the error. */
  static String version(Path binary) {
    return Proc.run(List.of(binary.toString(), "-v"), 10).trim().replace("nginx version: ", "");
  }

  /**
   * Writes the configuration under {@code dir} (proxying to {@code s3Port} on loopback), starts
   * nginx and waits until both listeners accept connections.
   */
  static NginxProxy start(Path binary, Path dir, int s3Port, Path certChain, Path key) throws IOException {
    NginxProxy nginx = new NginxProxy(binary, dir, FreePorts.pick(), FreePorts.pick());
    nginx.launch(s3Port, certChain, key);
    return nginx;
  }

  private void launch(int s3Port, Path certChain, Path key) throws IOException {
    Files.createDirectories(dir.resolve("temp"));
    // Copies readable by the unprivileged user; a dev key under target/, never a real one.
    Path cert = Files.copy(certChain, dir.resolve("server.pem"), StandardCopyOption.REPLACE_EXISTING);
    Path keyCopy = Files.copy(key, dir.resolve("server-key.pem"), StandardCopyOption.REPLACE_EXISTING);
    Path conf = dir.resolve("nginx.conf");
    Files.writeString(conf, config(s3Port, cert, keyCopy), StandardCharsets.UTF_8);
    List<String> command = new ArrayList<>();
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      openUp(dir);
      command.addAll(List.of("setpriv", "--reuid=" + UNPRIVILEGED_ID, "--regid=" + UNPRIVILEGED_ID, "--clear-groups"));
    }
    command.addAll(List.of(binary.toString(), "-p", dir.toString(), "-e", dir.resolve("error.log").toString(),
        "-c", conf.toString(), "-g", "daemon off;"));
    process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("nginx.out").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!(accepts(httpPort) && accepts(httpsPort))) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        String out = Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : "";
        close();
        throw new IOException("nginx did not start: " + out.strip() + " "
            + Files.readString(dir.resolve("nginx.out")).strip());
      }
      sleep(50);
    }
  }

  private String config(int s3Port, Path cert, Path key) {
    String temp = dir.resolve("temp").toString();
    return """
        # Written by io.mediaedge.bench.NginxProxy: a streaming reverse proxy to the benchmark's S3 server.
        worker_processes auto;
        pid %1$s/nginx.pid;
        error_log %1$s/error.log warn;
        events { worker_connections 8192; }
        http {
          access_log off;
          client_body_temp_path %2$s/body;
          proxy_temp_path %2$s/proxy;
          fastcgi_temp_path %2$s/fastcgi;
          uwsgi_temp_path %2$s/uwsgi;
          scgi_temp_path %2$s/scgi;
          upstream s3 {
            server 127.0.0.1:%3$d;
            keepalive 512;
          }
          server {
            listen 127.0.0.1:%4$d;
            listen 127.0.0.1:%5$d ssl http2;
            ssl_certificate %6$s;
            ssl_certificate_key %7$s;
            client_max_body_size 0;
            keepalive_requests 100000;
            location / {
              proxy_pass http://s3;
              proxy_http_version 1.1;
              proxy_set_header Connection "";
              proxy_set_header Host 127.0.0.1:%3$d;
              proxy_request_buffering off;
              proxy_buffering off;
              proxy_read_timeout 600s;
              proxy_send_timeout 600s;
            }
          }
        }
        """.formatted(dir, temp, s3Port, httpPort, httpsPort, cert, key);
  }

  int httpPort() {
    return httpPort;
  }

  int httpsPort() {
    return httpsPort;
  }

  /** The master and its workers, for CPU accounting. */
  List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    if (process != null && process.isAlive()) {
      pids.add(process.pid());
      process.descendants().forEach(p -> pids.add(p.pid()));
    }
    return pids;
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  @Override
  public void close() {
    if (process == null) {
      return;
    }
    // SIGTERM through setpriv reaches nginx (setpriv execs it): a fast shutdown.
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Lets the unprivileged user reach and write its directory (all of it under target/). */
  private static void openUp(Path dir) throws IOException {
    Path repo = Path.of("").toAbsolutePath();
    for (Path p = dir.toAbsolutePath(); p != null && p.startsWith(repo) && !p.equals(repo); p = p.getParent()) {
      p.toFile().setExecutable(true, false);
    }
    try (var files = Files.walk(dir)) {
      for (Path p : files.toList()) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxrwxrwx" : "rw-rw-rw-"));
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
