package org.vhdspark.write;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import org.vhdspark.VhdException;
import org.vhdspark.format.Bat;
import org.vhdspark.format.Batmap;
import org.vhdspark.format.Bits;
import org.vhdspark.format.DynamicHeader;
import org.vhdspark.format.Footer;
import org.vhdspark.format.ParseContext;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.format.VhdFormatException;
import org.vhdspark.image.VhdImage;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.io.ImageStore;
import org.vhdspark.io.Location;
import org.vhdspark.io.ReadWriteFile;

/**
 * Puts right what a crash or another tool leaves wrong around an image's data, as blktap's
 * {@code vhd-util repair} does, never a data sector: the image is planned first, then written in an
 * order that leaves it no worse at any moment. Refuses, writing nothing, what it cannot repair safely.
 */
final class ImageRepair {
  /** A footer field, for naming what differs between the footer and its copy. */
  private record Field(String name, Function<Footer, Object> value) {}

  /** The footer fields by which readers size the disk, find its blocks and match it with its children. */
  private static final List<Field> IDENTITY = List.of(new Field("disk type", Footer::diskType),
      new Field("current size", Footer::currentSize), new Field("geometry", Footer::geometry),
      new Field("data offset", Footer::dataOffset), new Field("unique id", Footer::uniqueId));
  private static final List<Field> OTHERS = List.of(new Field("features", Footer::features),
      new Field("format version", Footer::formatVersion), new Field("timestamp", Footer::timestamp),
      new Field("creator application", Footer::creatorApplication), new Field("creator version", Footer::creatorVersion),
      new Field("creator host OS", Footer::creatorHostOs), new Field("original size", Footer::originalSize),
      new Field("saved state", Footer::savedState));

  /** One write (or cut, or sync) of the plan. */
  private interface Step {
    void apply(ReadWriteFile file) throws IOException;
  }

  private final VhdImage image;
  private final String name;
  private final long fileSize;
  private final List<RepairChange> changes = new ArrayList<>();
  private final List<Step> steps = new ArrayList<>();

  private ImageRepair(VhdImage image) throws IOException {
    this.image = image;
    this.name = image.name();
    this.fileSize = image.source().size();
  }

  /** See {@link ChainOperations#repair}. */
  static List<RepairChange> repair(ImageStore store, Location location, boolean dryRun) throws IOException {
    ImageRepair plan;
    try (VhdImage image = open(store, location)) {
      plan = new ImageRepair(image);
      plan.plan();
    }
    if (dryRun || plan.steps.isEmpty()) {
      return plan.changes;
    }
    try (ReadWriteFile file = store.openForUpdate(location)) {
      if (file.size() != plan.fileSize) {
        throw new VhdException(location + ": changed while being repaired (" + plan.fileSize + " bytes, now " + file.size()
            + "); nothing written");
      }
      for (Step step : plan.steps) {
        step.apply(file);
      }
    }
    return plan.changes;
  }

  /** Checksums verified: only an image whose header, BAT and one footer are intact can be repaired safely. */
  private static VhdImage open(ImageStore store, Location location) throws IOException {
    try {
      return VhdImage.open(store.open(location), VhdOptions.defaults());
    } catch (VhdFormatException e) {
      throw new VhdException(location + ": not repaired: it cannot be opened (" + e.detail() + "); vhd repair restores "
          + "footers, a torn tail and a batmap around an intact header and BAT, from one intact footer", e);
    }
  }

  private void plan() throws IOException {
    if (!image.type().isSparse()) {
      return;
    }
    ByteBuffer footer = readFooter(image.footerOffset());
    long dataEnd = EndOfData.of(image);
    if (image.footerOffset() == 0) {
      restoreEndFooter(footer, dataEnd);
    } else {
      reclaimRoom(footer, dataEnd);
      restoreCopy(footer);
    }
    repairBatmap();
  }

  /** The footer at the end is unusable: the copy in use goes right after the last structure, and the file ends there. */
  private void restoreEndFooter(ByteBuffer copy, long dataEnd) throws IOException {
    long end = dataEnd + VhdFormat.FOOTER_SIZE;
    changes.add(new RepairChange(RepairChange.Kind.END_FOOTER, dataEnd,
        "the footer at the end was unusable (" + endFooterProblem() + "); restored from the copy at offset 0"));
    if (fileSize > end) {
      changes.add(new RepairChange(RepairChange.Kind.TAIL, end, String.format(Locale.ROOT,
          "%,d bytes after the last block cut off: a torn tail that nothing refers to", fileSize - end)));
    }
    moveFooter(copy, dataEnd);
  }

  /** Unused room between the last structure and the footer, as a writer stopped before close leaves it. */
  private void reclaimRoom(ByteBuffer footer, long dataEnd) {
    long footerOffset = image.footerOffset();
    if (fileSize % VhdFormat.SECTOR_SIZE != 0 || dataEnd >= footerOffset) {
      return;
    }
    changes.add(new RepairChange(RepairChange.Kind.TAIL, dataEnd + VhdFormat.FOOTER_SIZE, String.format(Locale.ROOT,
        "%,d bytes of unused room after the last block cut off (a writer stopped before giving it back); the footer "
            + "moved from offset %,d to %,d", footerOffset - dataEnd, footerOffset, dataEnd)));
    moveFooter(footer, dataEnd);
  }

  /** The footer written at {@code offset} and made durable before the file is cut after it: its end is never torn. */
  private void moveFooter(ByteBuffer footer, long offset) {
    long end = offset + VhdFormat.FOOTER_SIZE;
    steps.add(file -> file.write(offset, footer.duplicate()));
    steps.add(ReadWriteFile::sync);
    if (fileSize > end) {
      steps.add(file -> file.truncate(end));
      steps.add(ReadWriteFile::sync);
    }
  }

  /** The copy at offset 0 differs from the footer at the end: rewritten from it, if they describe the same disk. */
  private void restoreCopy(ByteBuffer footer) throws IOException {
    ByteBuffer copy = readFooter(0);
    if (copy.equals(footer)) {
      return;
    }
    String problem;
    try {
      Footer parsed = Footer.parse(copy, 0, new ParseContext(name, true));
      List<String> identity = differences(IDENTITY, parsed);
      if (!identity.isEmpty()) {
        throw new VhdException(name + ": not repaired: the footer at the end and its copy at offset 0 disagree on "
            + String.join(", ", identity) + "; QEMU reads the copy, other readers the end, and nothing tells which is right");
      }
      List<String> others = differences(OTHERS, parsed);
      problem = "differed from the footer at the end in " + (others.isEmpty() ? "reserved bytes" : String.join(", ", others));
    } catch (VhdFormatException e) {
      problem = "was damaged (" + e.detail() + ")";
    }
    changes.add(new RepairChange(RepairChange.Kind.FOOTER_COPY, 0,
        "the copy at offset 0 " + problem + "; rewritten from the footer at the end"));
    steps.add(file -> file.write(0, footer.duplicate()));
    steps.add(ReadWriteFile::sync);
  }

  private List<String> differences(List<Field> fields, Footer copy) {
    return fields.stream().filter(field -> !Objects.equals(field.value().apply(image.footer()), field.value().apply(copy)))
        .map(Field::name).toList();
  }

  /**
   * A blktap batmap with a wrong checksum, or marking blocks full that are not: marks are kept only
   * where the block is allocated and its bitmap full, so every reader sees what the bitmaps say (the
   * specification's record; the batmap is a cache of it). The map first, then its checksum: a crash
   * between leaves a batmap that readers ignore, reading the bitmaps, which is what it now says.
   */
  private void repairBatmap() throws IOException {
    if (!Batmap.mayBeIn(image.footer())) {
      return;
    }
    DynamicHeader header = image.header().orElseThrow();
    long offset = Batmap.headerOffset(header);
    long dataEnd = image.footerOffset() != 0 ? image.footerOffset() : fileSize - fileSize % VhdFormat.SECTOR_SIZE;
    boolean required = Batmap.isRequiredIn(image.footer());
    if (offset > dataEnd - Batmap.HEADER_SIZE) {
      if (required) {
        throw new VhdException(name + ": not repaired: a blktap " + image.footer().creatorVersionText()
            + " image needs a batmap after its BAT, at offset " + offset + ", and has no room for one");
      }
      return;
    }
    ByteBuffer bytes = read(offset, Batmap.HEADER_SIZE);
    if (!required && !bytes.slice(0, Batmap.COOKIE.length).equals(ByteBuffer.wrap(Batmap.COOKIE))) {
      return;
    }
    Bat bat = image.bat().orElseThrow();
    Batmap.Header parsed;
    try {
      parsed = Batmap.parseHeader(bytes, offset, bat.size(), header.maxTableEntries(), dataEnd, new ParseContext(name, false));
    } catch (VhdFormatException e) {
      throw new VhdException(name + ": not repaired: the batmap header is damaged (" + e.detail()
          + "); vhd repair rewrites a batmap's map and checksum, never its header", e);
    }
    byte[] map = read(parsed.mapOffset(), parsed.mapSectors() * VhdFormat.SECTOR_SIZE).array();
    byte[] fixed = map.clone();
    int cleared = 0;
    int first = -1;
    for (int block = 0; block < bat.size(); block++) {
      if (Bits.get(map, block) && !(bat.isAllocated(block) && isFull(bat, block))) {
        Bits.clear(fixed, block);
        cleared++;
        first = first < 0 ? block : first;
      }
    }
    int stored = parsed.checksum();
    int computed = Batmap.checksum(parsed.version(), map);
    if (cleared == 0 && stored == computed) {
      return;
    }
    List<String> problems = new ArrayList<>();
    if (stored != computed) {
      problems.add(String.format(Locale.ROOT, "its checksum was wrong (expected 0x%08X, found 0x%08X)", computed, stored));
    }
    if (cleared > 0) {
      problems.add(String.format(Locale.ROOT, "it marked %,d block(s) full that are not (first: block %,d)", cleared, first));
    }
    changes.add(new RepairChange(RepairChange.Kind.BATMAP, offset, String.join(" and ", problems)
        + "; marks kept only for full blocks, the checksum rewritten"));
    ByteBuffer checksum = ByteBuffer.allocate(4).putInt(0, Batmap.checksum(parsed.version(), fixed));
    steps.add(file -> file.write(parsed.mapOffset(), ByteBuffer.wrap(fixed)));
    steps.add(file -> file.write(offset + Batmap.CHECKSUM, checksum.duplicate()));
    steps.add(ReadWriteFile::sync);
  }

  private boolean isFull(Bat bat, int block) throws IOException {
    int sectorsPerBlock = image.sectorsPerBlock();
    int sectors = (int) Math.min(sectorsPerBlock, image.sectorCount() - (long) block * sectorsPerBlock);
    byte[] bitmap = read(bat.bitmapOffset(block), VhdFormat.bitmapBytes(image.blockSize())).array();
    return Bits.allSet(bitmap, 0, sectors);
  }

  /** Why the footer at the end is unusable, in the reader's words. */
  private String endFooterProblem() throws IOException {
    long remainder = fileSize % VhdFormat.SECTOR_SIZE;
    if (remainder != 0 && remainder != VhdFormat.LEGACY_FOOTER_SIZE) {
      return String.format(Locale.ROOT, "the file size %,d is not a multiple of 512", fileSize);
    }
    long offset = fileSize - (remainder == 0 ? VhdFormat.FOOTER_SIZE : VhdFormat.LEGACY_FOOTER_SIZE);
    try {
      Footer.parse(readFooter(offset), offset, new ParseContext(name, true));
      return "it is not the footer of this image";
    } catch (VhdFormatException e) {
      return e.detail();
    }
  }

  /** The 512 bytes of the footer at {@code offset}; a legacy 511-byte one padded with a zero. */
  private ByteBuffer readFooter(long offset) throws IOException {
    ByteBuffer footer = ByteBuffer.allocate(VhdFormat.FOOTER_SIZE);
    image.source().readFully(offset, footer.limit((int) Math.min(VhdFormat.FOOTER_SIZE, fileSize - offset)));
    return footer.clear();
  }

  private ByteBuffer read(long offset, int length) throws IOException {
    ByteBuffer bytes = ByteBuffer.allocate(length);
    image.source().readFully(offset, bytes);
    return bytes.clear();
  }
}
