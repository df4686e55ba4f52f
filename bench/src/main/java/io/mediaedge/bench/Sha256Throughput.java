package io.mediaedge.bench;

import io.mediaedge.tus.Sha256State;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

/**
 * Rough single-thread throughput of {@link Sha256State} against the JDK's SHA-256 (which HotSpot
 * may run as a CPU intrinsic, e.g. SHA-NI). Not a test: run it by hand after a test compile,
 *
 * <pre>
 *   ./mvnw -B -o test-compile
 *   java -cp target/classes:target/test-classes io.mediaedge.bench.Sha256Throughput [MiB] [rounds]
 * </pre>
 *
 * Input arrives in 64 KiB pieces, the size of the buffers an upload hashes. Rates are per second
 * of this thread's CPU time, so other load on a shared machine skews them less than wall time.
 */
public final class Sha256Throughput {

  private static final int PIECE = 64 * 1024;

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private Sha256Throughput() {}

  public static void main(String[] args) throws Exception {
    int mib = args.length > 0 ? Integer.parseInt(args[0]) : 256;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    byte[] piece = new byte[PIECE];
    new Random(42).nextBytes(piece);
    ByteBuffer direct = ByteBuffer.allocateDirect(PIECE).put(piece).flip();
    long bytes = (long) mib << 20;
    int pieces = (int) (bytes / PIECE);

    System.out.printf("SHA-256 over %d MiB in %d KiB pieces, %d rounds (first is warm-up)%n",
        mib, PIECE / 1024, rounds);
    double[] ours = new double[rounds];
    double[] oursDirect = new double[rounds];
    double[] jdk = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      long t0 = THREADS.getCurrentThreadCpuTime();
      Sha256State s = new Sha256State();
      for (int i = 0; i < pieces; i++) {
        s.update(piece, 0, PIECE);
      }
      byte[] a = s.digest();
      long t1 = THREADS.getCurrentThreadCpuTime();
      Sha256State d = new Sha256State();
      for (int i = 0; i < pieces; i++) {
        d.update(direct);
      }
      byte[] b = d.digest();
      long t2 = THREADS.getCurrentThreadCpuTime();
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (int i = 0; i < pieces; i++) {
        md.update(piece, 0, PIECE);
      }
      byte[] c = md.digest();
      long t3 = THREADS.getCurrentThreadCpuTime();
      if (!Arrays.equals(a, c) || !Arrays.equals(b, c)) {
        throw new AssertionError("digests differ: " + HexFormat.of().formatHex(a) + " vs "
            + HexFormat.of().formatHex(c));
      }
      ours[r] = mbPerSecond(bytes, t1 - t0);
      oursDirect[r] = mbPerSecond(bytes, t2 - t1);
      jdk[r] = mbPerSecond(bytes, t3 - t2);
      System.out.printf("round %d: Sha256State byte[] %7.1f MB/s, direct ByteBuffer %7.1f MB/s,"
          + " MessageDigest %7.1f MB/s%n", r, ours[r], oursDirect[r], jdk[r]);
    }
    System.out.printf("median after warm-up: Sha256State byte[] %.1f MB/s, direct %.1f MB/s,"
        + " MessageDigest %.1f MB/s (MB = 10^6 bytes per CPU second)%n",
        median(ours), median(oursDirect), median(jdk));
  }

  private static double mbPerSecond(long bytes, long nanos) {
    return bytes / 1e6 / (nanos / 1e9);
  }

  private static double median(double[] all) {
    double[] v = Arrays.copyOfRange(all, 1, all.length);
    Arrays.sort(v);
    return v.length == 0 ? all[0] : v[v.length / 2];
  }
}
