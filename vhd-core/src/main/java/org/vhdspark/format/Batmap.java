package org.vhdspark.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * blktap's batmap ("tdbatmap"): one bit per block, MSB first, set when every sector of the block is
 * present, so that its bitmap need not be read. Its 512-byte header sits right after the padded BAT.
 *
 * <pre>
 *   0  cookie "tdbatmap"   8      24  checksum of the map  4
 *   8  map offset (bytes)  8      28  marker               1
 *  16  map size (sectors)  4      29  key hash            65
 *  20  version             4      94  reserved to 512
 * </pre>
 */
public record Batmap(long headerOffset, long mapOffset, int mapSectors, int version, byte[] map) {
  public static final byte[] COOKIE = "tdbatmap".getBytes(StandardCharsets.US_ASCII);
  public static final int HEADER_SIZE = 512;
  public static final int VERSION_1_1 = 0x00010001;
  public static final int VERSION_1_2 = 0x00010002;
  static final String STRUCTURE = "batmap header";
  static final int MAP_OFFSET = 8;
  static final int MAP_SIZE = 16;
  static final int VERSION = 20;
  /** Offset of the checksum in the header. */
  public static final int CHECKSUM = 24;

  private static final int TAP = VhdFormat.fourCc("tap");

  /** Whether the image may carry a batmap: blktap's ("tap") images from creator version 1.1 on. */
  public static boolean mayBeIn(Footer footer) {
    return footer.creatorApplication() == TAP && Integer.compareUnsigned(footer.creatorVersion(), VERSION_1_1) >= 0;
  }

  /** Whether the image must carry one: blktap's images from creator version 1.2 on (1.1 images may lack it). */
  public static boolean isRequiredIn(Footer footer) {
    return footer.creatorApplication() == TAP && Integer.compareUnsigned(footer.creatorVersion(), VERSION_1_2) >= 0;
  }

  /** Where the batmap header sits: right after the BAT, padded, as long as the header's max table entries make it. */
  public static long headerOffset(DynamicHeader header) {
    return header.tableOffset() + Bat.sizeOnDisk(VhdFormat.toUnsigned(header.maxTableEntries()));
  }

  /** What the header says, before the map is read. */
  public record Header(long offset, long mapOffset, int mapSectors, int version, int checksum) {}

  /**
   * Parses the header at {@code buf}'s position. The map must cover the {@code blocks} the disk uses,
   * and is at most what the header's {@code maxTableEntries} need (what blktap writes): that bounds it
   * by the BAT, itself checked against the file.
   */
  public static Header parseHeader(ByteBuffer buf, long fileOffset, int blocks, int maxTableEntries, long fileSize,
      ParseContext ctx) throws VhdFormatException {
    ByteBuffer b = buf.slice(buf.position(), HEADER_SIZE).order(ByteOrder.BIG_ENDIAN);
    byte[] cookie = VhdFormat.bytesAt(b, 0, 8);
    if (!Arrays.equals(cookie, COOKIE)) {
      throw ctx.error(STRUCTURE, "cookie", fileOffset, "\"tdbatmap\"", Footer.quoted(cookie));
    }
    int version = b.getInt(VERSION);
    if (version >>> 16 != 1 || (version & 0xFFFF) > 2) {
      throw ctx.error(STRUCTURE, "version", fileOffset + VERSION, "at most 1.2", VhdFormat.hex32(version));
    }
    int mapSectors = b.getInt(MAP_SIZE);
    long fewest = mapSectorsFor(blocks);
    long most = mapSectorsFor(VhdFormat.toUnsigned(maxTableEntries));
    if (VhdFormat.toUnsigned(mapSectors) < fewest || VhdFormat.toUnsigned(mapSectors) > most) {
      throw ctx.error(STRUCTURE, "map size", fileOffset + MAP_SIZE,
          (fewest == most ? fewest : "from " + fewest + " to " + most) + " sectors (one bit per BAT entry)",
          Integer.toUnsignedString(mapSectors));
    }
    long mapOffset = b.getLong(MAP_OFFSET);
    if (mapOffset <= 0 || mapOffset % VhdFormat.SECTOR_SIZE != 0
        || mapOffset > fileSize - (long) mapSectors * VhdFormat.SECTOR_SIZE) {
      throw ctx.error(STRUCTURE, "map offset", fileOffset + MAP_OFFSET,
          "a sector-aligned map of " + mapSectors + " sectors inside the file", Long.toString(mapOffset));
    }
    return new Header(fileOffset, mapOffset, mapSectors, version, b.getInt(CHECKSUM));
  }

  /** Sectors of a map of one bit per block, for {@code blocks} blocks (never none, as blktap writes it). */
  static long mapSectorsFor(long blocks) {
    return Math.max(1, VhdFormat.roundUpToSector((blocks + 7) / 8) / VhdFormat.SECTOR_SIZE);
  }

  /** Verifies the map against the header's checksum: signed byte sum for version 1.1, unsigned for 1.2. */
  public static Batmap of(Header header, byte[] map, ParseContext ctx) throws VhdFormatException {
    int checksum = checksum(header.version(), map);
    if (checksum != header.checksum()) {
      throw ctx.error(STRUCTURE, "checksum", header.offset() + CHECKSUM, VhdFormat.hex32(checksum),
          VhdFormat.hex32(header.checksum()));
    }
    return new Batmap(header.offset(), header.mapOffset(), header.mapSectors(), header.version(), map);
  }

  /** The header's checksum of {@code map}: signed byte sum for version 1.1, unsigned for 1.2, complemented. */
  public static int checksum(int version, byte[] map) {
    int sum = 0;
    for (byte value : map) {
      sum += version == VERSION_1_1 ? value : value & 0xFF;
    }
    return ~sum;
  }

  /** Whether the map says every sector of {@code block} is present. */
  public boolean isFull(int block) {
    return Bits.get(map, block);
  }
}
