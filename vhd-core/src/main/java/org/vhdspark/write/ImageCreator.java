package org.vhdspark.write;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.UUID;
import org.vhdspark.format.DiskType;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.io.WriteSink;

/** Creates new, empty images. */
public final class ImageCreator {
  private static final long MIB = 1 << 20;

  private ImageCreator() {}

  /** An empty dynamic or differencing image as {@code spec} describes. */
  public static void create(WriteSink sink, ImageSpec spec) throws IOException {
    ImageAssembler.begin(sink, spec).finish();
  }

  /**
   * A fixed image of {@code size} bytes: zeros (a sparse hole where the file system allows) and the
   * footer. Returns the unique id.
   */
  public static UUID createFixed(WriteSink sink, long size) throws IOException {
    if (size <= 0 || size % VhdFormat.SECTOR_SIZE != 0 || size > VhdFormat.MAX_VIRTUAL_SIZE) {
      throw new IllegalArgumentException("size must be a positive multiple of 512 up to 2040 GiB: " + size);
    }
    UUID id = UUID.randomUUID();
    ByteBuffer footer = ByteBuffer.allocate(VhdFormat.FOOTER_SIZE);
    ImageSpec.footer(DiskType.FIXED, size, id, ImageSpec.now(), VhdFormat.NO_OFFSET).writeTo(footer);
    sink.write(size, footer);
    sink.sync();
    return id;
  }

  /** Azure accepts only fixed VHDs whose virtual size is a whole number of MiB: rounds up to one. */
  public static long azureSize(long size) {
    return (size + MIB - 1) / MIB * MIB;
  }

  /** Sizes that are not whole sectors are rounded up to one. */
  public static long sectorSize(long size) {
    return VhdFormat.roundUpToSector(size);
  }
}
