package io.mediaedge.storage;

import io.mediaedge.config.EdgeConfig.StorageConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.S3Utilities;

/**
 * Presigns the requests {@link S3Transfers} sends: AWS Signature Version 4 in the query string,
 * unsigned payload, exactly as the SDK's {@code S3Presigner} signs them (same signature at the same
 * instant: {@code S3RequestSignerTest} checks every kind of request against it). The presigner
 * runs a whole client execution per request (interceptors, auth-scheme and endpoint rules,
 * marshalling), about 0.3 ms of an event loop even when warm and the largest single cost of a
 * small upload; the SDK's bare signer still builds and validates a dozen objects a request. Here
 * the bucket's address is resolved once by the SDK's own endpoint rules ({@link S3Utilities}),
 * the signing key once per day and credentials, and a request costs two hashes and an HMAC.
 */
final class S3RequestSigner {
  /** What to send: the signed URL, and the headers that must go out exactly as signed (not Host). */
  record Signed(String method, String url, Map<String, String> headers) {}

  private static final String ALGORITHM = "AWS4-HMAC-SHA256";
  private static final String SERVICE = "s3";
  private static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
  private static final String PROBE_KEY = "k";
  private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
      .withZone(ZoneOffset.UTC);
  private static final HexFormat HEX = HexFormat.of();

  /** The key of one day, region and secret; derived with four HMACs, so kept until one changes. */
  private record SigningKey(String secret, String day, byte[] key) {}

  private final AwsCredentialsProvider credentials;
  private final String region;
  private final String expires;
  private final Clock clock;
  /** The bucket's address up to and including the slash before the key, as the SDK's rules give it. */
  private final String bucketBase;
  /** The encoded path before the key, as signed. */
  private final String basePath;
  /** The Host header Vert.x sends for the URL, as signed: the port only when not the scheme's default. */
  private final String host;
  private volatile SigningKey signingKey;

  S3RequestSigner(StorageConfig config, AwsCredentialsProvider credentials, Duration validity, Clock clock) {
    this.credentials = credentials;
    this.region = config.region();
    this.expires = Long.toString(validity.toSeconds());
    this.clock = clock;
    S3Utilities.Builder utilities = S3Utilities.builder()
        .region(Region.of(config.region()))
        .s3Configuration(S3Configuration.builder().pathStyleAccessEnabled(config.pathStyle()).build());
    config.endpoint().ifPresent(utilities::endpoint);
    String probe = utilities.build().getUrl(r -> r.bucket(config.bucket()).key(PROBE_KEY)).toString();
    if (!probe.endsWith("/" + PROBE_KEY)) {
      throw new IllegalStateException("unexpected S3 object URL form: " + probe);
    }
    this.bucketBase = probe.substring(0, probe.length() - PROBE_KEY.length());
    URI base = URI.create(bucketBase);
    this.basePath = base.getRawPath();
    boolean defaultPort = base.getPort() < 0 || base.getPort() == ("https".equals(base.getScheme()) ? 443 : 80);
    this.host = defaultPort ? base.getHost() : base.getHost() + ":" + base.getPort();
  }

  /** A whole-object PUT of {@code length} bytes, with its type and user metadata. */
  Signed put(String key, long length, String contentType, Map<String, String> metadata) {
    Map<String, String> headers = new TreeMap<>();
    headers.put("content-length", Long.toString(length));
    headers.put("content-type", contentType);
    metadata.forEach((name, value) -> headers.put("x-amz-meta-" + name.toLowerCase(Locale.ROOT), value));
    return sign("PUT", key, new TreeMap<>(), headers);
  }

  /** Part {@code partNumber} of multipart upload {@code uploadId}, {@code length} bytes. */
  Signed uploadPart(String key, String uploadId, int partNumber, long length) {
    Map<String, String> query = new TreeMap<>();
    query.put("partNumber", Integer.toString(partNumber));
    query.put("uploadId", uploadId);
    Map<String, String> headers = new TreeMap<>();
    headers.put("content-length", Long.toString(length));
    return sign("PUT", key, query, headers);
  }

  /** A GET of the bytes named by {@code range} ({@code bytes=first-last}). */
  Signed get(String key, String range) {
    return get(key, range, null);
  }

  /** A ranged GET that S3 answers only while the object's ETag is {@code ifMatch} (when not null). */
  Signed get(String key, String range, String ifMatch) {
    Map<String, String> headers = new TreeMap<>();
    headers.put("range", range);
    if (ifMatch != null) {
      headers.put("if-match", ifMatch);
    }
    return sign("GET", key, new TreeMap<>(), headers);
  }

  /**
   * {@code query}: the request's own parameters; {@code headers}: lower-case names, without Host.
   * Both are sorted by name, as the canonical request lists them (the names here are ASCII, so
   * their encoded order is the same).
   */
  private Signed sign(String method, String key, Map<String, String> query, Map<String, String> headers) {
    // The provider caches what it fetched and refreshes it off the event loop (see S3MediaStore).
    AwsCredentials identity = credentials.resolveCredentials();
    String amzDate = AMZ_DATE.format(clock.instant());
    String day = amzDate.substring(0, 8);
    String scope = day + "/" + region + "/" + SERVICE + "/aws4_request";
    Map<String, String> signed = new TreeMap<>(headers);
    signed.put("host", host);
    StringBuilder signedHeaders = new StringBuilder();
    StringBuilder canonicalHeaders = new StringBuilder();
    signed.forEach((name, value) -> {
      signedHeaders.append(signedHeaders.isEmpty() ? "" : ";").append(name);
      canonicalHeaders.append(name).append(':').append(canonicalValue(value)).append('\n');
    });
    query.put("X-Amz-Algorithm", ALGORITHM);
    query.put("X-Amz-Credential", identity.accessKeyId() + "/" + scope);
    query.put("X-Amz-Date", amzDate);
    query.put("X-Amz-Expires", expires);
    query.put("X-Amz-SignedHeaders", signedHeaders.toString());
    if (identity instanceof AwsSessionCredentials session) {
      query.put("X-Amz-Security-Token", session.sessionToken());
    }
    StringBuilder canonicalQuery = new StringBuilder();
    query.forEach((name, value) -> canonicalQuery.append(canonicalQuery.isEmpty() ? "" : "&")
        .append(encode(name, false)).append('=').append(encode(value, false)));
    String encodedKey = encode(key, true);
    String canonicalRequest = method + '\n' + basePath + encodedKey + '\n' + canonicalQuery + '\n' + canonicalHeaders
        + '\n' + signedHeaders + '\n' + UNSIGNED_PAYLOAD;
    String stringToSign = ALGORITHM + '\n' + amzDate + '\n' + scope + '\n' + HEX.formatHex(sha256(canonicalRequest));
    String signature = HEX.formatHex(hmac(key(identity.secretAccessKey(), day), stringToSign));
    return new Signed(method, bucketBase + encodedKey + '?' + canonicalQuery + "&X-Amz-Signature=" + signature,
        headers);
  }

  /** A header value as SigV4 signs it: trimmed, runs of spaces made one. */
  private static String canonicalValue(String value) {
    String trimmed = value.strip();
    return trimmed.contains("  ") ? trimmed.replaceAll(" +", " ") : trimmed;
  }

  private byte[] key(String secret, String day) {
    SigningKey known = signingKey;
    if (known != null && known.day().equals(day) && known.secret().equals(secret)) {
      return known.key();
    }
    byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), day);
    key = hmac(key, region);
    key = hmac(key, SERVICE);
    key = hmac(key, "aws4_request");
    signingKey = new SigningKey(secret, day, key);
    return key;
  }

  /**
   * RFC 3986 percent-encoding as SigV4 asks: every byte of the UTF-8 form but the unreserved
   * characters, upper-case hex; {@code '/'} kept in a path.
   */
  static String encode(String text, boolean path) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length + 16);
    for (byte b : bytes) {
      int c = b & 0xff;
      if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
          || c == '~' || path && c == '/') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
