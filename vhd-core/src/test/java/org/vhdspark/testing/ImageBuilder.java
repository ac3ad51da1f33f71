package org.vhdspark.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.vhdspark.format.Bat;
import org.vhdspark.format.DiskType;
import org.vhdspark.format.DynamicHeader;
import org.vhdspark.format.Footer;
import org.vhdspark.format.Geometry;
import org.vhdspark.format.ParentLocator;
import org.vhdspark.format.PlatformCode;
import org.vhdspark.format.VhdFormat;

/**
 * Crafts VHD files for tests, independently of any production writer: valid images by default, and
 * hooks to damage any byte afterwards. Layout: footer copy, header at 512, BAT at 1536, optional
 * blktap batmap, locator payloads, blocks (in BAT order unless placed explicitly), footer.
 */
public final class ImageBuilder {
  /** Contents of one allocated block: its on-disk bitmap and data. */
  public record Block(byte[] bitmap, byte[] data) {}

  /** Supplies blocks when the image is written; null means unallocated. Lets benchmarks stream GiBs. */
  public interface BlockSource {
    Block block(int index) throws IOException;
  }

  private final DiskType type;
  private final long size;
  private int blockSize = VhdFormat.DEFAULT_BLOCK_SIZE;
  private UUID uniqueId = UUID.randomUUID();
  private UUID parentId = VhdFormat.NULL_UUID;
  private String parentName = "";
  private int parentTimestamp;
  private int creator = VhdFormat.fourCc("test");
  private int creatorVersion = 0x00010000;
  private boolean batmap;
  private boolean alignBlocks;
  private final List<byte[]> locatorPayloads = new ArrayList<>();
  private final List<Integer> locatorCodes = new ArrayList<>();
  private final TreeMap<Integer, Block> blocks = new TreeMap<>();
  private BlockSource source;
  private UnaryOperator<byte[]> damage = UnaryOperator.identity();

  private ImageBuilder(DiskType type, long size) {
    this.type = type;
    this.size = size;
  }

  public static ImageBuilder fixed(long size) {
    return new ImageBuilder(DiskType.FIXED, size);
  }

  public static ImageBuilder dynamic(long size) {
    return new ImageBuilder(DiskType.DYNAMIC, size);
  }

  /** A child of {@code parent} (its unique id), named by its file name with W2ru, W2ku and MacX locators. */
  public static ImageBuilder differencing(long size, UUID parent, String parentFileName) {
    ImageBuilder builder = new ImageBuilder(DiskType.DIFFERENCING, size);
    builder.parentId = parent;
    builder.parentName = parentFileName;
    builder.locator(PlatformCode.W2RU, ".\\" + parentFileName);
    builder.locator(PlatformCode.W2KU, ".\\" + parentFileName);
    builder.locator(PlatformCode.MACX, "file://./" + parentFileName);
    return builder;
  }

  public ImageBuilder blockSize(int bytes) {
    this.blockSize = bytes;
    return this;
  }

  public ImageBuilder uniqueId(UUID id) {
    this.uniqueId = id;
    return this;
  }

  public UUID uniqueId() {
    return uniqueId;
  }

  public ImageBuilder parentTimestamp(int timestamp) {
    this.parentTimestamp = timestamp;
    return this;
  }

  public ImageBuilder parentName(String name) {
    this.parentName = name;
    return this;
  }

  public ImageBuilder creator(String application, int version) {
    this.creator = VhdFormat.fourCc(application);
    this.creatorVersion = version;
    return this;
  }

  /** Adds a blktap batmap (and makes the creator "tap" 1.3, as blktap would). */
  public ImageBuilder withBatmap() {
    this.batmap = true;
    return creator("tap", 0x00010003);
  }

  /** Places block data on 4 KiB boundaries, leaving gaps, as blktap does. */
  public ImageBuilder alignBlocks() {
    this.alignBlocks = true;
    return this;
  }

  public ImageBuilder clearLocators() {
    locatorCodes.clear();
    locatorPayloads.clear();
    return this;
  }

  /** A path locator, encoded as its platform requires. */
  public ImageBuilder locator(PlatformCode platform, String path) {
    byte[] payload = path.getBytes(platform == PlatformCode.MACX ? StandardCharsets.UTF_8 : StandardCharsets.UTF_16LE);
    return locatorRaw(platform.code(), payload);
  }

  public ImageBuilder locatorRaw(int code, byte[] payload) {
    locatorCodes.add(code);
    locatorPayloads.add(payload);
    return this;
  }

  /** Writes {@code data} (whole sectors) at {@code sector}, setting the sectors' bitmap bits. */
  public ImageBuilder write(long sector, byte[] data) {
    if (data.length % 512 != 0) {
      throw new IllegalArgumentException("whole sectors only");
    }
    int spb = blockSize / 512;
    for (int i = 0; i < data.length / 512; i++) {
      long s = sector + i;
      Block block = blocks.computeIfAbsent((int) (s / spb), b -> new Block(new byte[VhdFormat.bitmapBytes(blockSize)], new byte[blockSize]));
      int in = (int) (s % spb);
      block.bitmap()[in >>> 3] |= (byte) (0x80 >>> (in & 7));
      System.arraycopy(data, i * 512, block.data(), in * 512, 512);
    }
    return this;
  }

  /** Sets a block's bitmap and data as given (the bitmap may claim anything). */
  public ImageBuilder block(int index, byte[] bitmap, byte[] data) {
    blocks.put(index, new Block(bitmap, data));
    return this;
  }

  public ImageBuilder blocks(BlockSource source) {
    this.source = source;
    return this;
  }

  /** Applies {@code change} to the finished file's bytes: for crafting damaged images. */
  public ImageBuilder damage(UnaryOperator<byte[]> change) {
    this.damage = change;
    return this;
  }

  public int blockCount() {
    return (int) ((size + blockSize - 1) / blockSize);
  }

  public Footer footer() {
    return new Footer(Footer.FEATURE_RESERVED, VhdFormat.VERSION_1_0,
        type == DiskType.FIXED ? VhdFormat.NO_OFFSET : 512, 0, creator, creatorVersion, VhdFormat.fourCc("Wi2k"),
        size, size, Geometry.forSize(size), type, 0, uniqueId, (byte) 0);
  }

  /** The finished image in memory (small images only). */
  public byte[] toBytes() throws IOException {
    Layout layout = layout();
    ByteBuffer image = ByteBuffer.allocate(Math.toIntExact(layout.fileSize));
    writeImage(layout, (offset, bytes) -> image.put(Math.toIntExact(offset), bytes));
    return damage.apply(image.array());
  }

  /** Writes the image to {@code path}, streaming blocks; damage hooks need {@link #toBytes()}. */
  public Path writeTo(Path path) throws IOException {
    if (damage != UnaryOperator.<byte[]>identity()) {
      java.nio.file.Files.write(path, toBytes());
      return path;
    }
    Layout layout = layout();
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      writeImage(layout, (offset, bytes) -> {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          channel.write(buf, offset + buf.position());
        }
      });
      channel.truncate(layout.fileSize);
    }
    return path;
  }

  private interface Sink {
    void put(long offset, byte[] bytes) throws IOException;
  }

  private record Layout(long batOffset, long batmapOffset, long[] locatorOffsets, long[] blockOffsets, long fileSize) {}

  private Block blockAt(int index) throws IOException {
    return source != null ? source.block(index) : blocks.get(index);
  }

  private Layout layout() throws IOException {
    if (type == DiskType.FIXED) {
      return new Layout(0, 0, new long[0], new long[0], size + 512);
    }
    long at = 1536;
    long batOffset = at;
    at += Bat.sizeOnDisk(blockCount());
    long batmapOffset = 0;
    if (batmap) {
      batmapOffset = at;
      at += 512 + VhdFormat.roundUpToSector((blockCount() + 7L) / 8);
    }
    long[] locatorOffsets = new long[locatorPayloads.size()];
    for (int i = 0; i < locatorOffsets.length; i++) {
      locatorOffsets[i] = at;
      at += Math.max(512, VhdFormat.roundUpToSector((long) locatorPayloads.get(i).length));
    }
    long[] blockOffsets = new long[blockCount()];
    int bitmapBytes = VhdFormat.bitmapBytes(blockSize);
    for (int i = 0; i < blockCount(); i++) {
      if (blockAt(i) == null) {
        blockOffsets[i] = -1;
        continue;
      }
      if (alignBlocks) {
        at = ((at + bitmapBytes + 4095) & ~4095L) - bitmapBytes;
      }
      blockOffsets[i] = at;
      at += bitmapBytes + blockSize;
    }
    return new Layout(batOffset, batmapOffset, locatorOffsets, blockOffsets, at + 512);
  }

  private void writeImage(Layout layout, Sink sink) throws IOException {
    ByteBuffer footer = ByteBuffer.allocate(512);
    footer().writeTo(footer);
    sink.put(layout.fileSize - 512, footer.array());
    if (type == DiskType.FIXED) {
      for (int i = 0; i < blockCount(); i++) {
        Block block = blockAt(i);
        if (block != null) {
          int length = (int) Math.min(blockSize, size - (long) i * blockSize);
          sink.put((long) i * blockSize, java.util.Arrays.copyOf(block.data(), length));
        }
      }
      return;
    }
    sink.put(0, footer.array());
    List<ParentLocator> locators = new ArrayList<>();
    for (int i = 0; i < locatorCodes.size(); i++) {
      byte[] payload = locatorPayloads.get(i);
      int space = (int) Math.max(512, VhdFormat.roundUpToSector((long) payload.length));
      locators.add(new ParentLocator(i, locatorCodes.get(i), space, payload.length, layout.locatorOffsets[i]));
      sink.put(layout.locatorOffsets[i], payload);
    }
    for (int i = locators.size(); i < ParentLocator.SLOTS; i++) {
      locators.add(new ParentLocator(i, 0, 0, 0, 0));
    }
    DynamicHeader header = new DynamicHeader(VhdFormat.NO_OFFSET, layout.batOffset, VhdFormat.VERSION_1_0, blockCount(),
        blockSize, 0, parentId, parentTimestamp, parentName, locators);
    ByteBuffer headerBytes = ByteBuffer.allocate(1024);
    header.writeTo(headerBytes);
    sink.put(512, headerBytes.array());

    ByteBuffer bat = ByteBuffer.allocate((int) Bat.sizeOnDisk(blockCount()));
    while (bat.hasRemaining()) {
      bat.putInt(VhdFormat.UNALLOCATED);
    }
    byte[] map = new byte[VhdFormat.roundUpToSector((blockCount() + 7) / 8)];
    for (int i = 0; i < blockCount(); i++) {
      Block block = blockAt(i);
      if (block == null) {
        continue;
      }
      long offset = layout.blockOffsets[i];
      bat.putInt(i * 4, (int) (offset / 512));
      sink.put(offset, block.bitmap());
      sink.put(offset + VhdFormat.bitmapBytes(blockSize), block.data());
      if (isFull(block.bitmap(), i)) {
        map[i >>> 3] |= (byte) (0x80 >>> (i & 7));
      }
    }
    sink.put(layout.batOffset, bat.array());
    if (batmap) {
      ByteBuffer batmapHeader = ByteBuffer.allocate(512);
      batmapHeader.put("tdbatmap".getBytes(StandardCharsets.US_ASCII));
      batmapHeader.putLong(8, layout.batmapOffset + 512);
      batmapHeader.putInt(16, map.length / 512);
      batmapHeader.putInt(20, 0x00010002);
      int sum = 0;
      for (byte b : map) {
        sum += b & 0xFF;
      }
      batmapHeader.putInt(24, ~sum);
      sink.put(layout.batmapOffset, batmapHeader.array());
      sink.put(layout.batmapOffset + 512, map);
    }
  }

  private boolean isFull(byte[] bitmap, int block) {
    int sectors = (int) Math.min(blockSize / 512, size / 512 - (long) block * (blockSize / 512));
    for (int s = 0; s < sectors; s++) {
      if ((bitmap[s >>> 3] & (0x80 >>> (s & 7))) == 0) {
        return false;
      }
    }
    return true;
  }
}
