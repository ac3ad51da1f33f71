package org.vhdspark.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Rewrites fields of an image crafted by {@code ImageBuilder} (footer copy at 0, header at 512, BAT at
 * 1536, batmap after the BAT), for hostile-input tests. Field setters re-seal the structure's checksum,
 * so that each test breaks exactly one rule; {@link #putInt} and friends change raw bytes only.
 */
public final class ImagePatch {
  public static final int HEADER_OFFSET = 512;

  public static final int FOOTER_FORMAT_VERSION = Footer.FORMAT_VERSION;
  public static final int FOOTER_DATA_OFFSET = Footer.DATA_OFFSET;
  public static final int FOOTER_TIMESTAMP = Footer.TIMESTAMP;
  public static final int FOOTER_CURRENT_SIZE = Footer.CURRENT_SIZE;
  public static final int FOOTER_GEOMETRY = Footer.GEOMETRY;
  public static final int FOOTER_DISK_TYPE = Footer.DISK_TYPE;
  public static final int FOOTER_CHECKSUM = Footer.CHECKSUM;

  public static final int HEADER_DATA_OFFSET = DynamicHeader.DATA_OFFSET;
  public static final int HEADER_TABLE_OFFSET = DynamicHeader.TABLE_OFFSET;
  public static final int HEADER_VERSION = DynamicHeader.HEADER_VERSION;
  public static final int HEADER_MAX_TABLE_ENTRIES = DynamicHeader.MAX_TABLE_ENTRIES;
  public static final int HEADER_BLOCK_SIZE = DynamicHeader.BLOCK_SIZE;
  public static final int HEADER_CHECKSUM = DynamicHeader.CHECKSUM;
  public static final int HEADER_PARENT_TIMESTAMP = DynamicHeader.PARENT_TIMESTAMP;

  public static final int LOCATOR_CODE = 0;
  public static final int LOCATOR_DATA_SPACE = 4;
  public static final int LOCATOR_DATA_LENGTH = 8;
  public static final int LOCATOR_DATA_OFFSET = 16;

  public static final int BATMAP_MAP_OFFSET = Batmap.MAP_OFFSET;
  public static final int BATMAP_MAP_SIZE = Batmap.MAP_SIZE;
  public static final int BATMAP_VERSION = Batmap.VERSION;
  public static final int BATMAP_CHECKSUM = Batmap.CHECKSUM;

  private final byte[] bytes;
  private final ByteBuffer buf;

  private ImagePatch(byte[] bytes) {
    this.bytes = bytes;
    this.buf = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
  }

  /** Patches {@code image} in place. */
  public static ImagePatch of(byte[] image) {
    return new ImagePatch(image);
  }

  public byte[] bytes() {
    return bytes;
  }

  public long endFooterOffset() {
    return bytes.length - VhdFormat.FOOTER_SIZE;
  }

  public ImagePatch putInt(long offset, int value) {
    buf.putInt(Math.toIntExact(offset), value);
    return this;
  }

  public ImagePatch putLong(long offset, long value) {
    buf.putLong(Math.toIntExact(offset), value);
    return this;
  }

  public ImagePatch put(long offset, byte[] data) {
    buf.put(Math.toIntExact(offset), data);
    return this;
  }

  public int getInt(long offset) {
    return buf.getInt(Math.toIntExact(offset));
  }

  /** Sets a footer field in the end footer and in the copy at 0 (when there is one), re-sealing both. */
  public ImagePatch footerInt(int field, int value) {
    for (long footer : footers()) {
      putInt(footer + field, value);
      sealFooter(footer);
    }
    return this;
  }

  public ImagePatch footerLong(int field, long value) {
    for (long footer : footers()) {
      putLong(footer + field, value);
      sealFooter(footer);
    }
    return this;
  }

  /** Sets a field of the end footer only, re-sealing it. */
  public ImagePatch endFooterInt(int field, int value) {
    putInt(endFooterOffset() + field, value);
    return sealFooter(endFooterOffset());
  }

  public ImagePatch sealFooter(long offset) {
    putInt(offset + Footer.CHECKSUM, Checksum.compute(buf, Math.toIntExact(offset), VhdFormat.FOOTER_SIZE,
        Math.toIntExact(offset + Footer.CHECKSUM)));
    return this;
  }

  public ImagePatch headerInt(int field, int value) {
    putInt(HEADER_OFFSET + field, value);
    return sealHeader();
  }

  public ImagePatch headerLong(int field, long value) {
    putLong(HEADER_OFFSET + field, value);
    return sealHeader();
  }

  public ImagePatch sealHeader() {
    putInt(HEADER_OFFSET + DynamicHeader.CHECKSUM,
        Checksum.compute(buf, HEADER_OFFSET, VhdFormat.HEADER_SIZE, HEADER_OFFSET + DynamicHeader.CHECKSUM));
    return this;
  }

  /** Absolute offset of a locator entry's field. */
  public static long locatorField(int slot, int field) {
    return DynamicHeader.locatorEntryOffset(HEADER_OFFSET, slot) + field;
  }

  public ImagePatch locatorInt(int slot, int field, int value) {
    putInt(locatorField(slot, field), value);
    return sealHeader();
  }

  public ImagePatch locatorLong(int slot, int field, long value) {
    putLong(locatorField(slot, field), value);
    return sealHeader();
  }

  public long locatorDataOffset(int slot) {
    return buf.getLong(Math.toIntExact(locatorField(slot, LOCATOR_DATA_OFFSET)));
  }

  public long tableOffset() {
    return buf.getLong(HEADER_OFFSET + DynamicHeader.TABLE_OFFSET);
  }

  public long batEntryOffset(int block) {
    return tableOffset() + 4L * block;
  }

  public ImagePatch batEntry(int block, int sector) {
    return putInt(batEntryOffset(block), sector);
  }

  public int batEntry(int block) {
    return getInt(batEntryOffset(block));
  }

  /** Where blktap's batmap header sits: right after the padded BAT. */
  public long batmapOffset() {
    return tableOffset() + Bat.sizeOnDisk(VhdFormat.toUnsigned(getInt(HEADER_OFFSET + DynamicHeader.MAX_TABLE_ENTRIES)));
  }

  public long batmapMapOffset() {
    return buf.getLong(Math.toIntExact(batmapOffset() + Batmap.MAP_OFFSET));
  }

  /** Sets a block's "full" bit in the batmap and re-seals the map's checksum (version 1.2 sum). */
  public ImagePatch batmapFull(int block) {
    long map = batmapMapOffset();
    int at = Math.toIntExact(map + block / 8);
    bytes[at] |= (byte) (0x80 >>> (block & 7));
    return sealBatmap();
  }

  public ImagePatch sealBatmap() {
    long header = batmapOffset();
    int sectors = getInt(header + Batmap.MAP_SIZE);
    int start = Math.toIntExact(batmapMapOffset());
    int sum = 0;
    for (int i = start; i < start + sectors * VhdFormat.SECTOR_SIZE; i++) {
      sum += bytes[i] & 0xFF;
    }
    return putInt(header + Batmap.CHECKSUM, ~sum);
  }

  private long[] footers() {
    boolean copy = bytes.length >= 2 * VhdFormat.FOOTER_SIZE
        && java.util.Arrays.equals(bytes, 0, 8, Footer.COOKIE, 0, 8);
    return copy ? new long[] {endFooterOffset(), 0} : new long[] {endFooterOffset()};
  }
}
