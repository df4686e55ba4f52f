package io.mediaedge.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Picks TCP ports for the local servers the dev stack launches.
 *
 * <p>The kernel hands out a free port when we bind port 0; we close the socket at once and give the
 * number to the forked server. Another process could grab it in between, but on a dev machine or CI
 * runner that window is tiny, and a server that fails to bind dies loudly (see {@link ForkedJvm}).
 */
public final class FreePorts {

  private FreePorts() {}

  /** A port that was free on 127.0.0.1 a moment ago. */
  public static int pick() {
    return pick(1)[0];
  }

  /**
   * {@code count} distinct free ports. All sockets stay bound until every port is chosen, so the
   * kernel cannot hand the same number out twice (two separate {@link #pick()} calls could).
   */
  public static int[] pick(int count) {
    List<ServerSocket> held = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket();
        held.add(socket);
        // No SO_REUSEADDR: we want a port nobody is using, not one in TIME_WAIT we could share.
        socket.setReuseAddress(false);
        socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("could not bind a free port on 127.0.0.1", e);
    } finally {
      for (ServerSocket socket : held) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // closing a listening socket we own does not fail in practice; nothing to do if it does
        }
      }
    }
  }

  /**
   * The port named by environment variable {@code envName} when it is set (so a developer can pin a
   * port, e.g. to keep a bookmarked URL working), otherwise a free one.
   */
  public static int pick(String envName) {
    String value = System.getenv(envName);
    if (value == null || value.isBlank()) {
      return pick();
    }
    try {
      int port = Integer.parseInt(value.trim());
      if (port < 1 || port > 65535) {
        throw new NumberFormatException("out of range");
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "environment variable " + envName + "=" + value + " is not a TCP port (1-65535); "
              + "unset it to get a free port", e);
    }
  }
}
