package org.vhdspark.interop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.io.LocalFile;
import org.vhdspark.io.LocalImageStore;
import org.vhdspark.io.Location;
import org.vhdspark.write.ImageCreator;
import org.vhdspark.write.ImageSpec;
import org.vhdspark.write.VhdWriter;

/**
 * The side under test, writing: images made by {@link ImageCreator} and written through
 * {@link VhdWriter}, every write mirrored into an in-memory disk that the image must then present.
 * Write plans are deterministic for a given {@link Random}.
 */
final class OurWriter {
  static final int SECTOR = 512;
  /** libvhdi's bitmap bug cannot reach a run of sectors that fills whole bitmap bytes. */
  static final int BITMAP_BYTE_SPAN = 8 * SECTOR;

  private OurWriter() {}

  /** One write: {@code data} at virtual byte {@code offset}. */
  record Write(long offset, byte[] data) {
    long end() {
      return offset + data.length;
    }
  }

  static Path createFixed(Path image, long size) throws IOException {
    try (LocalFile file = LocalFile.create(image)) {
      ImageCreator.createFixed(file, size);
    }
    return image;
  }

  static Path createDynamic(Path image, long size, int blockSize) throws IOException {
    try (LocalFile file = LocalFile.create(image)) {
      ImageCreator.create(file, ImageSpec.dynamic(size).withBlockSize(blockSize));
    }
    return image;
  }

  /** An empty differencing child of {@code parent}, as {@link ImageSpec#childOf} describes it. */
  static Path createChild(Path parent, Path child) throws IOException {
    try (VhdChain chain = VhdChain.openImageOnly(LocalImageStore.INSTANCE, Location.of(parent), VhdOptions.defaults());
        LocalFile file = LocalFile.create(child)) {
      ImageCreator.create(file, ImageSpec.childOf(chain.image(), Location.of(parent), Location.of(child)));
    }
    return child;
  }

  /** Writes {@code writes} in order through one {@link VhdWriter}, and into {@code disk}. */
  static void write(Path image, List<Write> writes, byte[] disk) throws IOException {
    try (VhdWriter writer = VhdWriter.open(LocalImageStore.INSTANCE, Location.of(image), VhdOptions.defaults())) {
      for (Write write : writes) {
        writer.write(write.offset(), ByteBuffer.wrap(write.data()));
        System.arraycopy(write.data(), 0, disk, Math.toIntExact(write.offset()), write.data().length);
      }
    }
  }

  /**
   * About 40 writes at any byte offset and length into a disk of {@code size} bytes cut in
   * {@code blockSize} blocks: the first and the last sector (partly), runs across every block boundary,
   * random runs (three up to a block long, the others up to 12,000 bytes, so that much of the disk
   * stays unwritten), one whole block, a single byte, then zeros over earlier data
   * and overlapping rewrites of earlier writes, and zeros at random places (where nothing is stored
   * yet, the writer allocates nothing for them). Of three blocks or more, one inside the disk gets no
   * data, only whatever zeros fall there, and stays unallocated in a dynamic image.
   */
  static List<Write> unalignedWrites(long size, int blockSize, Random random) {
    List<Write> writes = new ArrayList<>();
    writes.add(data(0, 1 + random.nextInt(700), random));
    int tail = 1 + random.nextInt(1500);
    writes.add(data(size - tail, tail, random));
    for (long boundary = blockSize; boundary < size; boundary += blockSize) {
      long from = Math.max(0, boundary - 1 - random.nextInt(3000));
      long to = Math.min(size, boundary + 1 + random.nextInt(3000));
      writes.add(data(from, (int) (to - from), random));
    }
    for (int i = 0; i < 12; i++) {
      long offset = nextLong(random, size);
      int longest = i < 3 ? blockSize + 3 : 12_000;
      writes.add(data(offset, (int) Math.min(1 + random.nextInt(longest), size - offset), random));
    }
    int blocks = (int) ((size + blockSize - 1) / blockSize);
    int quiet = blocks >= 3 ? 1 + random.nextInt(blocks - 2) : -1;
    int whole = random.nextInt(blocks);
    long wholeBlock = (long) (whole == quiet ? 0 : whole) * blockSize;
    writes.add(data(wholeBlock, (int) Math.min(blockSize, size - wholeBlock), random));
    writes.add(data(nextLong(random, size), 1, random));
    int written = writes.size();
    for (int i = 0; i < 5; i++) {
      Write earlier = writes.get(random.nextInt(written));
      long offset = earlier.offset() + nextLong(random, (earlier.data().length + 1) / 2);
      int length = 1 + random.nextInt((int) (earlier.end() - offset));
      writes.add(new Write(offset, new byte[length]));
    }
    for (int i = 0; i < 5; i++) {
      Write earlier = writes.get(random.nextInt(written));
      long offset = Math.max(0, earlier.offset() - random.nextInt(700));
      int length = (int) Math.min(earlier.end() - offset + random.nextInt(1400), size - offset);
      writes.add(data(offset, length, random));
    }
    for (int i = 0; i < 3; i++) {
      long offset = nextLong(random, size);
      writes.add(new Write(offset, new byte[(int) Math.min(1 + random.nextInt(5000), size - offset)]));
    }
    if (quiet >= 0) {
      long from = (long) quiet * blockSize;
      writes.removeIf(write -> write.offset() < from + blockSize && write.end() > from && !isZero(write.data(), 0, write.data().length));
    }
    return writes;
  }

  /**
   * About 25 writes that start and end on 4 KiB (whole bitmap bytes), for children libvhdi must read:
   * the first and the last 4 KiB, the sectors after the last whole 4 KiB (their run ends at the end of
   * the disk, so no clear bit follows a set one in a bitmap byte), runs across every block boundary,
   * random runs, zeros where every sector of {@code disk} (the parent's disk) holds data, and
   * overlapping rewrites.
   */
  static List<Write> alignedWrites(long size, int blockSize, Random random, byte[] disk) {
    long spans = size / BITMAP_BYTE_SPAN;
    List<Write> writes = new ArrayList<>();
    writes.add(data(0, BITMAP_BYTE_SPAN, random));
    writes.add(data((spans - 1) * BITMAP_BYTE_SPAN, BITMAP_BYTE_SPAN, random));
    if (size % BITMAP_BYTE_SPAN != 0) {
      writes.add(data(spans * BITMAP_BYTE_SPAN, (int) (size % BITMAP_BYTE_SPAN), random));
    }
    for (long boundary = blockSize; boundary < spans * BITMAP_BYTE_SPAN; boundary += blockSize) {
      writes.add(alignedData(boundary / BITMAP_BYTE_SPAN - 1 - random.nextInt(4), 2 + random.nextInt(6), spans, random));
    }
    for (int i = 0; i < 10; i++) {
      writes.add(alignedData(nextLong(random, spans), 1 + random.nextInt(2 * blockSize / BITMAP_BYTE_SPAN), spans, random));
    }
    int zeros = 0;
    for (int attempt = 0; attempt < 1000 && zeros < 4; attempt++) {
      long span = nextLong(random, spans);
      int from = Math.toIntExact(span * BITMAP_BYTE_SPAN);
      int to = Math.toIntExact(Math.min(span + 1 + random.nextInt(3), spans) * BITMAP_BYTE_SPAN);
      if (holdsDataInEverySector(disk, from, to)) {
        writes.add(new Write(from, new byte[to - from]));
        zeros++;
      }
    }
    int written = writes.size();
    for (int i = 0; i < 4; i++) {
      Write earlier = writes.get(random.nextInt(written));
      long span = Math.max(0, earlier.offset() / BITMAP_BYTE_SPAN - random.nextInt(3));
      writes.add(alignedData(span, earlier.data().length / BITMAP_BYTE_SPAN + 1 + random.nextInt(3), spans, random));
    }
    return writes;
  }

  static boolean isZero(byte[] bytes, int from, int to) {
    return Arrays.mismatch(bytes, from, to, new byte[to - from], 0, to - from) < 0;
  }

  /** Whether no sector of {@code [from, to)} is all zeros, so zeros written there change every sector. */
  static boolean holdsDataInEverySector(byte[] disk, int from, int to) {
    for (int sector = from; sector < to; sector += SECTOR) {
      if (isZero(disk, sector, sector + SECTOR)) {
        return false;
      }
    }
    return true;
  }

  private static Write alignedData(long firstSpan, long count, long spans, Random random) {
    long first = Math.max(0, Math.min(firstSpan, spans - 1));
    long n = Math.min(count, spans - first);
    return data(first * BITMAP_BYTE_SPAN, (int) (n * BITMAP_BYTE_SPAN), random);
  }

  private static Write data(long offset, int length, Random random) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return new Write(offset, bytes);
  }

  private static long nextLong(Random random, long bound) {
    return (long) (random.nextDouble() * bound);
  }
}
