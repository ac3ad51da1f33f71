package org.vhdspark.cli;

import java.io.IOException;
import java.util.Set;
import org.vhdspark.format.DiskType;
import org.vhdspark.image.VirtualDisk;
import org.vhdspark.io.Location;
import org.vhdspark.write.AtomicOutput;
import org.vhdspark.write.ChainOperations;

/**
 * {@code vhd convert IMAGE -o OUT [--type dynamic|fixed]}: the resolved disk of IMAGE's chain as a new
 * stand-alone image, written atomically. Prints one JSON line describing it.
 */
final class ConvertCommand implements Command {
  @Override
  public String name() {
    return "convert";
  }

  @Override
  public Set<Option> options() {
    return Set.of(Option.OUTPUT, Option.TYPE);
  }

  @Override
  public int run(Invocation invocation) throws IOException, UsageException {
    Location image = invocation.image();
    Location target = invocation.outputImage();
    DiskType type = invocation.diskType(DiskType.DYNAMIC);
    invocation.refuseExisting(target);
    long size;
    try (VirtualDisk disk = invocation.openDisk()) {
      size = disk.size();
      AtomicOutput.write(invocation.store(), target, file -> {
        ChainOperations.convert(disk, type, file);
        return null;
      });
    }
    invocation.printLine(JsonWriter.compact().beginObject()
        .field("path", target.toString())
        .field("source", image.toString())
        .field("type", type.label())
        .field("virtualSize", size)
        .endObject());
    return VhdCli.EXIT_OK;
  }
}
