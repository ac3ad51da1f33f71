package org.vhdspark.cli;

import java.io.IOException;
import java.util.Set;
import java.util.UUID;
import org.vhdspark.format.DiskType;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.io.Location;
import org.vhdspark.write.AtomicOutput;
import org.vhdspark.write.ImageCreator;
import org.vhdspark.write.ImageSpec;

/**
 * {@code vhd create IMAGE --size SIZE [--type dynamic|fixed] [--block-size SIZE] [--azure]}: a new,
 * empty image, written atomically; never replaces an existing file. Prints one JSON line describing it.
 */
final class CreateCommand implements Command {
  @Override
  public String name() {
    return "create";
  }

  @Override
  public Set<Option> options() {
    return Set.of(Option.SIZE, Option.TYPE, Option.BLOCK_SIZE, Option.AZURE);
  }

  @Override
  public boolean opensImages() {
    return false;
  }

  @Override
  public int run(Invocation invocation) throws IOException, UsageException {
    Location image = invocation.operands("IMAGE").get(0);
    CommandLine line = invocation.line();
    String sizeText = line.value(Option.SIZE).orElseThrow(() -> new UsageException("create needs --size SIZE"));
    long requested = Sizes.parse(Option.SIZE, sizeText);
    if (requested == 0) {
      throw new UsageException("--size must be more than 0 bytes");
    }
    if (requested > VhdFormat.MAX_VIRTUAL_SIZE) {
      throw new UsageException(String.format("--size %s is larger than a VHD can be (%,d bytes, 2040 GiB)", sizeText,
          VhdFormat.MAX_VIRTUAL_SIZE));
    }
    DiskType type = invocation.diskType(DiskType.DYNAMIC);
    boolean azure = line.has(Option.AZURE);
    if (azure && type != DiskType.FIXED) {
      throw new UsageException("--azure makes fixed images only (Azure accepts no other kind); add --type fixed");
    }
    if (line.has(Option.BLOCK_SIZE) && type != DiskType.DYNAMIC) {
      throw new UsageException("--block-size applies to dynamic images only");
    }
    int blockSize = blockSize(line);
    // MAX_VIRTUAL_SIZE is a whole number of MiB, so neither rounding can pass it.
    long size = ImageCreator.sectorSize(requested);
    if (azure) {
      size = ImageCreator.azureSize(size);
    }
    invocation.refuseExisting(image);
    long virtualSize = size;
    UUID id;
    if (type == DiskType.FIXED) {
      id = AtomicOutput.write(invocation.store(), image, file -> ImageCreator.createFixed(file, virtualSize));
    } else {
      ImageSpec spec = ImageSpec.dynamic(size).withBlockSize(blockSize);
      AtomicOutput.write(invocation.store(), image, file -> {
        ImageCreator.create(file, spec);
        return null;
      });
      id = spec.uniqueId();
    }
    invocation.printLine(JsonWriter.compact().beginObject()
        .field("path", image.toString())
        .field("type", type.label())
        .field("virtualSize", size)
        .field("blockSize", type == DiskType.FIXED ? null : Long.valueOf(blockSize))
        .field("uniqueId", id.toString())
        .endObject());
    return VhdCli.EXIT_OK;
  }

  private static int blockSize(CommandLine line) throws UsageException {
    if (!line.has(Option.BLOCK_SIZE)) {
      return VhdFormat.DEFAULT_BLOCK_SIZE;
    }
    String text = line.value(Option.BLOCK_SIZE).orElseThrow();
    long bytes = Sizes.parse(Option.BLOCK_SIZE, text);
    if (bytes < VhdFormat.SECTOR_SIZE || bytes > VhdFormat.DEFAULT_BLOCK_SIZE || Long.bitCount(bytes) != 1) {
      throw new UsageException("--block-size must be a power of two from 512 to 2M bytes, got '" + text + "'");
    }
    return (int) bytes;
  }
}
