package org.vhdspark.write;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.vhdspark.format.DiskType;
import org.vhdspark.format.Footer;
import org.vhdspark.format.Geometry;
import org.vhdspark.format.PlatformCode;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.image.VhdImage;
import org.vhdspark.io.Location;

/**
 * What a new dynamic or differencing image is: size, block size, identity and, for a child, its
 * parent's identity and the locators that find it.
 */
public record ImageSpec(
    DiskType type,
    long size,
    int blockSize,
    UUID uniqueId,
    int timestamp,
    UUID parentUniqueId,
    int parentTimestamp,
    String parentName,
    List<Locator> locators) {

  /**
   * Creator application: Windows' code. QEMU sizes images of creators it does not know by their CHS
   * geometry and drops the tail of every disk whose size is not CHS-exact (most sizes, whole-MiB Azure
   * disks included); for "win " it takes the current size. See docs/format-decisions.md.
   */
  public static final int CREATOR = VhdFormat.fourCc("win ");
  /** 1.0: no Windows release writes it, so our images stay recognisable. */
  public static final int CREATOR_VERSION = 0x00010000;
  /** Windows, as QEMU and Windows itself write; some tools refuse other hosts. */
  public static final int CREATOR_HOST = VhdFormat.fourCc("Wi2k");

  /** A parent locator to write: platform and path text. */
  public record Locator(PlatformCode platform, String path) {
    public byte[] payload() {
      return path.getBytes(platform == PlatformCode.MACX ? StandardCharsets.UTF_8 : StandardCharsets.UTF_16LE);
    }
  }

  public ImageSpec {
    if (type == DiskType.FIXED) {
      throw new IllegalArgumentException("ImageSpec describes sparse images; fixed images need no layout");
    }
    if (size <= 0 || size % VhdFormat.SECTOR_SIZE != 0 || size > VhdFormat.MAX_VIRTUAL_SIZE) {
      throw new IllegalArgumentException("size must be a positive multiple of 512 up to 2040 GiB: " + size);
    }
    if (blockSize < VhdFormat.SECTOR_SIZE || blockSize > VhdFormat.DEFAULT_BLOCK_SIZE || Integer.bitCount(blockSize) != 1) {
      throw new IllegalArgumentException("block size must be a power of two from 512 bytes to 2 MiB: " + blockSize);
    }
    locators = List.copyOf(locators);
  }

  /** A dynamic image of exactly {@code size} bytes with 2 MiB blocks. */
  public static ImageSpec dynamic(long size) {
    return new ImageSpec(DiskType.DYNAMIC, size, VhdFormat.DEFAULT_BLOCK_SIZE, UUID.randomUUID(), now(),
        VhdFormat.NULL_UUID, 0, "", List.of());
  }

  /**
   * An empty child of {@code parent} (found at {@code parentLocation}) to be written at
   * {@code childLocation}: same size and block size, the parent's unique id and timestamp, its file
   * name, and W2ru, W2ku and MacX locators relative to the child wherever both share a file system.
   */
  public static ImageSpec childOf(VhdImage parent, Location parentLocation, Location childLocation) {
    String path = ParentPaths.relative(childLocation, parentLocation);
    // "./" marks a relative path as blktap and Windows write it; "../x" and "/x" speak for themselves.
    String marked = path.startsWith("/") || path.startsWith("../") ? path : "./" + path;
    String windowsPath = marked.replace('/', '\\');
    String url = "file://" + ParentPaths.percentEncode(marked);
    List<Locator> locators = new ArrayList<>();
    locators.add(new Locator(PlatformCode.W2RU, windowsPath));
    locators.add(new Locator(PlatformCode.W2KU, windowsPath));
    locators.add(new Locator(PlatformCode.MACX, url));
    return new ImageSpec(DiskType.DIFFERENCING, parent.virtualSize(), Math.min(parent.blockSize(), VhdFormat.DEFAULT_BLOCK_SIZE), UUID.randomUUID(), now(), parent.footer().uniqueId(), parent.footer().timestamp(),
        parentLocation.fileName(), locators);
  }

  public ImageSpec withBlockSize(int bytes) {
    return new ImageSpec(type, size, bytes, uniqueId, timestamp, parentUniqueId, parentTimestamp, parentName, locators);
  }

  public ImageSpec withUniqueId(UUID id) {
    return new ImageSpec(type, size, blockSize, id, timestamp, parentUniqueId, parentTimestamp, parentName, locators);
  }

  public int blockCount() {
    return (int) ((size + blockSize - 1) / blockSize);
  }

  public int sectorsPerBlock() {
    return blockSize >>> VhdFormat.SECTOR_SHIFT;
  }

  public Footer footer() {
    return footer(type, size, uniqueId, timestamp, VhdFormat.FOOTER_SIZE);
  }

  static Footer footer(DiskType type, long size, UUID uniqueId, int timestamp, long dataOffset) {
    return new Footer(Footer.FEATURE_RESERVED, VhdFormat.VERSION_1_0, dataOffset, timestamp, CREATOR, CREATOR_VERSION,
        CREATOR_HOST, size, size, Geometry.forSize(size), type, 0, uniqueId, (byte) 0);
  }

  static int now() {
    return VhdFormat.instantToTimestamp(Instant.now());
  }
}
