package io.mediaedge.insights.slots;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared copy of each name (country, ASN, ISP, PoP, status, content type) across all slots:
 * 1,440 slots each holding their own copies of the same few thousand strings would cost more than
 * the counts. Bounded, so hostile or broken values cannot grow it without end: past the limit a
 * name is used as it comes.
 */
public final class Names {
  static final int LIMIT = 200_000;
  private static final ConcurrentHashMap<String, String> POOL = new ConcurrentHashMap<>();

  private Names() {}

  public static String canonical(String name) {
    if (name == null || name.isEmpty()) {
      return "";
    }
    String known = POOL.get(name);
    if (known != null) {
      return known;
    }
    if (POOL.size() >= LIMIT) {
      return name;
    }
    known = POOL.putIfAbsent(name, name);
    return known != null ? known : name;
  }
}
