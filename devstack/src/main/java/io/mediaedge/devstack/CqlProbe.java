package io.mediaedge.devstack;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Asks a Cassandra node for {@code SELECT release_version FROM system.local} over the CQL native
 * protocol (version 4), with nothing but a socket.
 *
 * <p>Why not the driver: the launcher polls while the node boots, and a driver session per poll
 * costs event loops, metadata refreshes and log noise each time; a few bytes on a socket cost
 * nothing and still prove what "ready" means here: the node parses, plans and answers CQL.
 *
 * <p>Protocol v4 frames are a 9-byte header (version, flags, stream id, opcode, body length)
 * followed by the body; v4 needs no compression or checksummed segments, which v5 would.
 */
final class CqlProbe {

  private static final int VERSION_REQUEST = 0x04;
  private static final int OP_ERROR = 0x00;
  private static final int OP_STARTUP = 0x01;
  private static final int OP_READY = 0x02;
  private static final int OP_QUERY = 0x07;
  private static final int OP_RESULT = 0x08;
  private static final int RESULT_ROWS = 0x0002;
  private static final int CONSISTENCY_ONE = 0x0001;
  private static final int FLAG_GLOBAL_TABLES_SPEC = 0x0001;
  private static final int FLAG_HAS_MORE_PAGES = 0x0002;
  private static final int FLAG_NO_METADATA = 0x0004;
  private static final int MAX_BODY = 1 << 20;

  private CqlProbe() {}

  /**
   * The node's {@code release_version}, e.g. {@code 5.0.9}.
   *
   * @throws IOException while the node is not answering CQL yet (port closed, error frame, ...)
   */
  static String releaseVersion(String host, int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 1000);
      socket.setSoTimeout(5000);
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      DataInputStream in = new DataInputStream(socket.getInputStream());

      ByteBuffer startup = ByteBuffer.allocate(64);
      startup.putShort((short) 1);
      putString(startup, "CQL_VERSION");
      putString(startup, "3.0.0");
      send(out, 0, OP_STARTUP, startup);
      expect(readFrame(in), OP_READY);

      byte[] query = "SELECT release_version FROM system.local".getBytes(StandardCharsets.UTF_8);
      ByteBuffer body = ByteBuffer.allocate(4 + query.length + 3);
      body.putInt(query.length).put(query);
      body.putShort((short) CONSISTENCY_ONE);
      body.put((byte) 0); // no query flags: no values, default paging
      send(out, 1, OP_QUERY, body);
      return firstCell(expect(readFrame(in), OP_RESULT));
    }
  }

  private record Frame(int opcode, ByteBuffer body) {}

  private static void send(DataOutputStream out, int stream, int opcode, ByteBuffer body)
      throws IOException {
    body.flip();
    out.writeByte(VERSION_REQUEST);
    out.writeByte(0);
    out.writeShort(stream);
    out.writeByte(opcode);
    out.writeInt(body.remaining());
    out.write(body.array(), 0, body.remaining());
    out.flush();
  }

  private static Frame readFrame(DataInputStream in) throws IOException {
    in.readUnsignedByte(); // 0x84: a v4 response
    in.readUnsignedByte(); // flags: we asked for nothing that sets any
    in.readShort(); // stream id: one request at a time, so it is ours
    int opcode = in.readUnsignedByte();
    int length = in.readInt();
    if (length < 0 || length > MAX_BODY) {
      throw new IOException("implausible CQL frame length " + length);
    }
    byte[] body = new byte[length];
    in.readFully(body);
    return new Frame(opcode, ByteBuffer.wrap(body));
  }

  private static ByteBuffer expect(Frame frame, int opcode) throws IOException {
    if (frame.opcode() == OP_ERROR) {
      int code = frame.body().getInt();
      throw new IOException("CQL error 0x" + Integer.toHexString(code) + ": " + getString(frame.body()));
    }
    if (frame.opcode() != opcode) {
      throw new IOException("expected CQL opcode 0x" + Integer.toHexString(opcode) + ", got 0x"
          + Integer.toHexString(frame.opcode()));
    }
    return frame.body();
  }

  /** The first column of the first row of a Rows result, as text. */
  private static String firstCell(ByteBuffer body) throws IOException {
    if (body.getInt() != RESULT_ROWS) {
      throw new IOException("the query did not return rows");
    }
    int flags = body.getInt();
    int columns = body.getInt();
    if ((flags & FLAG_HAS_MORE_PAGES) != 0) {
      skipBytes(body);
    }
    if ((flags & FLAG_NO_METADATA) == 0) {
      boolean global = (flags & FLAG_GLOBAL_TABLES_SPEC) != 0;
      if (global) {
        getString(body);
        getString(body);
      }
      for (int i = 0; i < columns; i++) {
        if (!global) {
          getString(body);
          getString(body);
        }
        getString(body); // column name
        int type = body.getShort() & 0xffff;
        if (type != 0x000D) { // varchar; anything else would need its type options parsed
          throw new IOException("unexpected CQL column type 0x" + Integer.toHexString(type));
        }
      }
    }
    if (body.getInt() < 1) {
      throw new IOException("system.local has no row yet");
    }
    int length = body.getInt();
    if (length < 0) {
      throw new IOException("release_version is null");
    }
    byte[] value = new byte[length];
    body.get(value);
    return new String(value, StandardCharsets.UTF_8);
  }

  private static void putString(ByteBuffer buffer, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    buffer.putShort((short) bytes.length).put(bytes);
  }

  private static String getString(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.getShort() & 0xffff];
    buffer.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static void skipBytes(ByteBuffer buffer) {
    int length = buffer.getInt();
    if (length > 0) {
      buffer.position(buffer.position() + length);
    }
  }
}
