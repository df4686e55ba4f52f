package io.mediaedge.tls;

import java.util.Arrays;

/**
 * Just enough of a DER reader to cut the SubjectPublicKeyInfo out of a certificate, and to turn
 * ECDSA signatures between DER and the fixed-size R||S form JWS uses.
 */
final class Der {
  static final int SEQUENCE = 0x30;
  static final int INTEGER = 0x02;
  /** The optional {@code [0] EXPLICIT Version} at the start of a TBSCertificate. */
  private static final int VERSION_TAG = 0xA0;

  private final byte[] bytes;
  private int position;

  private Der(byte[] bytes, int position) {
    this.bytes = bytes;
    this.position = position;
  }

  /** One element read at the current position: where its contents start and end. */
  private record Element(int tag, int start, int contentStart, int end) {}

  private Element next() {
    if (position + 2 > bytes.length) {
      throw new IllegalArgumentException("truncated DER");
    }
    int start = position;
    int tag = bytes[position++] & 0xFF;
    int length = bytes[position++] & 0xFF;
    if (length >= 0x80) {
      int count = length & 0x7F;
      if (count == 0 || count > 4 || position + count > bytes.length) {
        throw new IllegalArgumentException("unsupported DER length");
      }
      length = 0;
      for (int i = 0; i < count; i++) {
        length = (length << 8) | (bytes[position++] & 0xFF);
      }
    }
    if (length < 0 || position + length > bytes.length) {
      throw new IllegalArgumentException("truncated DER");
    }
    return new Element(tag, start, position, position + length);
  }

  private Element enter(int expectedTag) {
    Element element = next();
    if (element.tag() != expectedTag) {
      throw new IllegalArgumentException("unexpected DER tag " + element.tag());
    }
    return element; // position is now at its first child
  }

  private Element skip() {
    Element element = next();
    position = element.end();
    return element;
  }

  /**
   * Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber,
   * signature, issuer, validity, subject, subjectPublicKeyInfo, ... }, ... }.
   */
  static byte[] subjectPublicKeyInfo(byte[] certificateDer) {
    Der der = new Der(certificateDer, 0);
    der.enter(SEQUENCE);
    der.enter(SEQUENCE);
    Der peek = new Der(certificateDer, der.position);
    if (peek.next().tag() == VERSION_TAG) {
      der.skip();
    }
    for (int i = 0; i < 5; i++) { // serialNumber, signature, issuer, validity, subject
      der.skip();
    }
    Element spki = der.skip();
    if (spki.tag() != SEQUENCE) {
      throw new IllegalArgumentException("no SubjectPublicKeyInfo where the certificate should hold one");
    }
    return Arrays.copyOfRange(certificateDer, spki.start(), spki.end());
  }

  /** ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } to R||S, each left-padded to {@code size}. */
  static byte[] ecdsaDerToRaw(byte[] der, int size) {
    Der reader = new Der(der, 0);
    Element sequence = reader.enter(SEQUENCE);
    if (sequence.end() != der.length) {
      throw new IllegalArgumentException("trailing bytes after the ECDSA signature");
    }
    byte[] raw = new byte[2 * size];
    for (int part = 0; part < 2; part++) {
      Element integer = reader.skip();
      if (integer.tag() != INTEGER) {
        throw new IllegalArgumentException("an ECDSA signature holds two INTEGERs");
      }
      int from = integer.contentStart();
      int length = integer.end() - from;
      while (length > size && der[from] == 0) { // the sign byte of a positive number
        from++;
        length--;
      }
      if (length > size) {
        throw new IllegalArgumentException("ECDSA signature part longer than " + size + " bytes");
      }
      System.arraycopy(der, from, raw, part * size + size - length, length);
    }
    if (reader.position != der.length) {
      throw new IllegalArgumentException("an ECDSA signature holds exactly two INTEGERs");
    }
    return raw;
  }

  /** R||S (two halves of equal size) to ECDSA-Sig-Value DER. */
  static byte[] ecdsaRawToDer(byte[] raw) {
    if (raw.length == 0 || raw.length % 2 != 0) {
      throw new IllegalArgumentException("an R||S signature has two halves of equal size");
    }
    int size = raw.length / 2;
    byte[] r = integer(Arrays.copyOfRange(raw, 0, size));
    byte[] s = integer(Arrays.copyOfRange(raw, size, raw.length));
    byte[] body = new byte[r.length + s.length];
    System.arraycopy(r, 0, body, 0, r.length);
    System.arraycopy(s, 0, body, r.length, s.length);
    return withHeader(SEQUENCE, body);
  }

  /** A minimal positive DER INTEGER of an unsigned big-endian magnitude. */
  private static byte[] integer(byte[] magnitude) {
    int from = 0;
    while (from < magnitude.length - 1 && magnitude[from] == 0) {
      from++;
    }
    boolean signByte = (magnitude[from] & 0x80) != 0;
    byte[] content = new byte[magnitude.length - from + (signByte ? 1 : 0)];
    System.arraycopy(magnitude, from, content, signByte ? 1 : 0, magnitude.length - from);
    return withHeader(INTEGER, content);
  }

  private static byte[] withHeader(int tag, byte[] content) {
    byte[] length;
    if (content.length < 0x80) {
      length = new byte[] {(byte) content.length};
    } else if (content.length < 0x100) {
      length = new byte[] {(byte) 0x81, (byte) content.length};
    } else {
      length = new byte[] {(byte) 0x82, (byte) (content.length >> 8), (byte) content.length};
    }
    byte[] out = new byte[1 + length.length + content.length];
    out[0] = (byte) tag;
    System.arraycopy(length, 0, out, 1, length.length);
    System.arraycopy(content, 0, out, 1 + length.length, content.length);
    return out;
  }
}
