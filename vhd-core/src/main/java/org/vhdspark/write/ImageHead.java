package org.vhdspark.write;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.vhdspark.format.Bat;
import org.vhdspark.format.DynamicHeader;
import org.vhdspark.format.ParentLocator;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.io.WriteSink;

/**
 * The metadata that leads a new dynamic or differencing image, and where its blocks may start:
 * footer copy at 0, header at 512, BAT at 1536, then the locator payloads. Written in increasing
 * offsets, so an append-only sink can take it too.
 */
final class ImageHead {
  static final long BAT_OFFSET = VhdFormat.FOOTER_SIZE + VhdFormat.HEADER_SIZE;

  private final ImageSpec spec;
  private final List<ParentLocator> locators;
  private final List<byte[]> payloads;
  private final long length;

  private ImageHead(ImageSpec spec, List<ParentLocator> locators, List<byte[]> payloads, long length) {
    this.spec = spec;
    this.locators = locators;
    this.payloads = payloads;
    this.length = length;
  }

  static ImageHead of(ImageSpec spec) {
    return of(spec, 0);
  }

  /** The head, with its blocks starting no earlier than {@code minimumLength} (rounded up to a sector). */
  static ImageHead of(ImageSpec spec, long minimumLength) {
    long at = BAT_OFFSET + Bat.sizeOnDisk(spec.blockCount());
    List<ParentLocator> locators = new ArrayList<>();
    List<byte[]> payloads = new ArrayList<>();
    for (ImageSpec.Locator locator : spec.locators()) {
      byte[] payload = locator.payload();
      int space = VhdFormat.roundUpToSector(payload.length);
      // Data space in bytes, as Windows and blktap write it (readers take values >= 512 as bytes).
      locators.add(new ParentLocator(locators.size(), locator.platform().code(), space, payload.length, at));
      payloads.add(payload);
      at += space;
    }
    while (locators.size() < ParentLocator.SLOTS) {
      locators.add(new ParentLocator(locators.size(), 0, 0, 0, 0));
    }
    return new ImageHead(spec, locators, payloads, Math.max(at, VhdFormat.roundUpToSector(minimumLength)));
  }

  /** Bytes the head takes: the first block starts here. */
  long length() {
    return length;
  }

  /** Writes the head at offset 0 with {@code bat} as the block table. */
  void write(WriteSink sink, int[] bat) throws IOException {
    sink.write(0, footer());
    ByteBuffer header = ByteBuffer.allocate(VhdFormat.HEADER_SIZE);
    new DynamicHeader(VhdFormat.NO_OFFSET, BAT_OFFSET, VhdFormat.VERSION_1_0, spec.blockCount(), spec.blockSize(), 0,
        spec.parentUniqueId(), spec.parentTimestamp(), spec.parentName(), locators).writeTo(header);
    sink.write(VhdFormat.FOOTER_SIZE, header);
    writeBat(sink, bat);
    for (int i = 0; i < payloads.size(); i++) {
      ByteBuffer payload = ByteBuffer.allocate(VhdFormat.roundUpToSector(payloads.get(i).length));
      payload.put(payloads.get(i)).clear();
      sink.write(locators.get(i).dataOffset(), payload);
    }
  }

  /** Writes {@code bat} in place, padded with all-ones entries to whole sectors. */
  static void writeBat(WriteSink sink, int[] bat) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate((int) Bat.sizeOnDisk(bat.length));
    buf.asIntBuffer().put(bat);
    for (int i = bat.length * 4; i < buf.capacity(); i++) {
      buf.put(i, (byte) 0xFF);
    }
    sink.write(BAT_OFFSET, buf);
  }

  /** The image's footer, as the copy at 0 and the footer at the end both hold it. */
  ByteBuffer footer() {
    ByteBuffer footer = ByteBuffer.allocate(VhdFormat.FOOTER_SIZE);
    spec.footer().writeTo(footer);
    return footer.clear();
  }
}
