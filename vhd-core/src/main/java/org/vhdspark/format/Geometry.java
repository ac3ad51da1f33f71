package org.vhdspark.format;

/** Cylinders, heads and sectors per track, as stored in the footer. */
public record Geometry(int cylinders, int heads, int sectorsPerTrack) {
  /** The largest geometry: recorded for disks it cannot describe (past about 127 GiB). */
  public static final Geometry MAXIMUM = new Geometry(65535, 16, 255);

  public Geometry {
    if (cylinders < 0 || cylinders > 0xFFFF || heads < 0 || heads > 0xFF || sectorsPerTrack < 0 || sectorsPerTrack > 0xFF) {
      throw new IllegalArgumentException("geometry out of range: " + cylinders + "/" + heads + "/" + sectorsPerTrack);
    }
  }

  static Geometry unpack(int packed) {
    return new Geometry(packed >>> 16, (packed >>> 8) & 0xFF, packed & 0xFF);
  }

  int pack() {
    return cylinders << 16 | heads << 8 | sectorsPerTrack;
  }

  /** The size these three numbers describe. */
  public long sizeBytes() {
    return (long) cylinders * heads * sectorsPerTrack * VhdFormat.SECTOR_SIZE;
  }

  /** The specification's algorithm (appendix "CHS calculation") for a disk of the given size. */
  public static Geometry forSize(long sizeBytes) {
    long totalSectors = Math.min(sizeBytes / VhdFormat.SECTOR_SIZE, 65535L * 16 * 255);
    long sectorsPerTrack;
    long heads;
    long cylinderTimesHeads;
    if (totalSectors >= 65535L * 16 * 63) {
      sectorsPerTrack = 255;
      heads = 16;
      cylinderTimesHeads = totalSectors / sectorsPerTrack;
    } else {
      sectorsPerTrack = 17;
      cylinderTimesHeads = totalSectors / sectorsPerTrack;
      heads = (cylinderTimesHeads + 1023) / 1024;
      if (heads < 4) {
        heads = 4;
      }
      if (cylinderTimesHeads >= heads * 1024 || heads > 16) {
        sectorsPerTrack = 31;
        heads = 16;
        cylinderTimesHeads = totalSectors / sectorsPerTrack;
      }
      if (cylinderTimesHeads >= heads * 1024) {
        sectorsPerTrack = 63;
        heads = 16;
        cylinderTimesHeads = totalSectors / sectorsPerTrack;
      }
    }
    long cylinders = cylinderTimesHeads / heads;
    return new Geometry((int) cylinders, (int) heads, (int) sectorsPerTrack);
  }

  @Override
  public String toString() {
    return cylinders + "/" + heads + "/" + sectorsPerTrack;
  }
}
