package io.mediaedge.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What Linux's {@code /proc} and the JDK's tools tell about another process. */
final class Proc {
  /** USER_HZ: the unit of utime/stime in /proc/PID/stat; 100 on every mainstream Linux. */
  static final double TICKS_PER_SECOND = 100.0;

  private Proc() {}

  /** A {@code kB} field of /proc/PID/status (VmRSS, VmHWM, ...), or -1 when unreadable. */
  static long statusKiB(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(field + ":")) {
          String value = line.substring(field.length() + 1).trim();
          return Long.parseLong(value.split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException gone) {
      // the process ended, or this is not Linux
    }
    return -1;
  }

  /** CPU time (user + system) the process has used so far, in seconds, or -1. */
  static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name (field 2) may hold spaces; the fields after it are space separated.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      long utime = Long.parseLong(fields[11]); // field 14
      long stime = Long.parseLong(fields[12]); // field 15
      return (utime + stime) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException gone) {
      return -1;
    }
  }

  /**
   * Resets the process's peak resident set size (VmHWM) to its current RSS ("5" to clear_refs,
   * Linux 4.0+), so the next phase's peak can be read on its own. False when not allowed.
   */
  static boolean resetPeakRss(long pid) {
    try {
      Files.writeString(Path.of("/proc", Long.toString(pid), "clear_refs"), "5");
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The 1/5/15-minute load averages, or an empty string. */
  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  /** The first line of /proc/cpuinfo that starts with {@code key}, its value; or "". */
  static String cpuInfo(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith(key)) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return "";
  }

  static long memTotalKiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.substring(9).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }

  /** A JDK tool (jstat, jcmd) next to the java launcher running us, else from the PATH. */
  static String jdkTool(String name) {
    Path tool = Path.of(System.getProperty("java.home"), "bin", name);
    return Files.isExecutable(tool) ? tool.toString() : name;
  }

  /** Runs a short command and returns its output (stdout and stderr), or the failure text. */
  static String run(List<String> command, long timeoutSeconds) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(could not run " + command + ": " + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(interrupted)";
    }
  }

  /** {@code jcmd PID COMMAND...}. */
  static String jcmd(long pid, String... command) {
    List<String> args = new ArrayList<>(List.of(jdkTool("jcmd"), Long.toString(pid)));
    args.addAll(List.of(command));
    return run(args, 60);
  }

  /** The soft value of one line of /proc/PID/limits ("Max open files"), or "". */
  static String limit(long pid, String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits"))) {
        if (line.startsWith(name)) {
          return line.substring(name.length()).trim().split("\\s+")[0];
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or gone
    }
    return "";
  }
}
