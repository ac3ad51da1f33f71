package org.vhdspark.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.vhdspark.Finding;
import org.vhdspark.format.VhdFormatException;
import org.vhdspark.io.ReadSource;
import org.vhdspark.io.ReadSources;

/** What the {@code TestBadInput*} classes share: opening crafted bytes, and the precise failure checks. */
final class TestBadInputSupport {
  static final String NAME = "/mem/bad.vhd";
  static final int BLOCK_SIZE = 4096;
  /** 16 blocks of 4 KiB: small files whose metadata sits in the first 4 KiB. */
  static final long DISK_SIZE = 64 << 10;

  private TestBadInputSupport() {}

  static VhdImage open(byte[] image) throws IOException {
    return open(image, VhdOptions.defaults());
  }

  static VhdImage open(byte[] image, VhdOptions options) throws IOException {
    return VhdImage.open(new ByteArrayReadSource(NAME, image), options);
  }

  static VhdOptions lenient() {
    return VhdOptions.defaults().withoutChecksumVerification();
  }

  /**
   * Asserts that {@code open} fails with a {@link VhdFormatException} naming exactly this structure,
   * field, offset, expectation and finding, and that its message carries all of them.
   */
  static VhdFormatException assertFormatError(ThrowingCallable open, String structure, String field, long offset,
      String expected, String found) {
    Throwable thrown = catchThrowable(open);
    assertThat(thrown).isInstanceOf(VhdFormatException.class);
    VhdFormatException e = (VhdFormatException) thrown;
    assertThat(e.source()).isEqualTo(NAME);
    assertThat(e.structure()).isEqualTo(structure);
    assertThat(e.field()).isEqualTo(field);
    assertThat(e.offset()).isEqualTo(offset);
    assertThat(e.expected()).isEqualTo(expected);
    assertThat(e.found()).isEqualTo(found);
    assertThat(e).hasMessage(message(structure, field, offset, expected, found));
    return e;
  }

  static VhdFormatException assertOpenFails(byte[] image, String structure, String field, long offset,
      String expected, String found) {
    return assertFormatError(() -> open(image).close(), structure, field, offset, expected, found);
  }

  /** The message of a format error, without the image name: how warnings quote one. */
  static String detail(String structure, String field, long offset, String expected, String found) {
    return String.format(Locale.ROOT, "%s field '%s' at offset %,d: expected %s, found %s",
        structure, field, offset, expected, found);
  }

  static String message(String structure, String field, long offset, String expected, String found) {
    return NAME + ": " + detail(structure, field, offset, expected, found);
  }

  static List<String> warnings(VhdImage image) {
    assertThat(image.findings()).allSatisfy(f -> {
      assertThat(f.severity()).isEqualTo(Finding.Severity.WARNING);
      assertThat(f.source()).isEqualTo(NAME);
    });
    return image.findings().stream().map(Finding::message).toList();
  }

  /** Every byte of the image's own (delta) view of the disk. */
  static byte[] readAll(VhdImage image) throws IOException {
    VhdChain chain = new VhdChain(List.of(new VhdChain.Layer(org.vhdspark.io.Location.parse(NAME), image)), List.of(), null);
    VirtualDisk disk = VirtualDisk.delta(chain);
    ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(disk.size()));
    disk.read(0, buf);
    return buf.array();
  }

  /** A large file of zeros but for its first and last bytes: big images without big arrays. */
  record HeadAndTail(byte[] head, byte[] tail, long size) implements ReadSource {
    @Override
    public String name() {
      return NAME;
    }

    @Override
    public void readFully(long position, ByteBuffer dst) throws IOException {
      ReadSources.checkRange(this, position, dst.remaining());
      long tailStart = size - tail.length;
      while (dst.hasRemaining()) {
        if (position < head.length) {
          int n = (int) Math.min(dst.remaining(), head.length - position);
          dst.put(head, (int) position, n);
          position += n;
        } else if (position >= tailStart) {
          int n = dst.remaining();
          dst.put(tail, (int) (position - tailStart), n);
          position += n;
        } else {
          int n = (int) Math.min(dst.remaining(), tailStart - position);
          dst.put(new byte[n]);
          position += n;
        }
      }
    }

    @Override
    public void close() {}
  }

  /** Bytes allocated by this thread so far (HotSpot): to show that no field sized an allocation. */
  static long allocatedBytes() {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    return threads.getThreadAllocatedBytes(Thread.currentThread().getId());
  }

  static String hex32(int value) {
    return String.format("0x%08X", value);
  }

  /** {@code count} sectors whose bytes are all {@code value}. */
  static byte[] sectors(int count, int value) {
    byte[] data = new byte[count * 512];
    java.util.Arrays.fill(data, (byte) value);
    return data;
  }
}
