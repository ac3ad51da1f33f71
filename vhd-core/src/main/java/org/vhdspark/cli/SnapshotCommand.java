package org.vhdspark.cli;

import java.io.IOException;
import java.util.List;
import org.vhdspark.image.VhdChain;
import org.vhdspark.io.Location;
import org.vhdspark.write.AtomicOutput;
import org.vhdspark.write.ImageCreator;
import org.vhdspark.write.ImageSpec;

/**
 * {@code vhd snapshot PARENT CHILD}: an empty differencing child of PARENT, written atomically, with
 * locators relative to the child so the pair can be moved as a folder. Prints one JSON line.
 */
final class SnapshotCommand implements Command {
  @Override
  public String name() {
    return "snapshot";
  }

  @Override
  public int run(Invocation invocation) throws IOException, UsageException {
    List<Location> operands = invocation.operands("PARENT", "CHILD");
    Location parent = operands.get(0);
    Location child = operands.get(1);
    invocation.refuseExisting(child);
    ImageSpec spec;
    // The parent alone: a child records only its parent's identity, whatever lies below it.
    try (VhdChain chain = VhdChain.openImageOnly(invocation.store(), parent, invocation.options())) {
      invocation.warn(chain.findings());
      spec = ImageSpec.childOf(chain.image(), parent, child);
    }
    AtomicOutput.write(invocation.store(), child, file -> {
      ImageCreator.create(file, spec);
      return null;
    });
    invocation.printLine(JsonWriter.compact().beginObject()
        .field("path", child.toString())
        .field("parent", parent.toString())
        .field("virtualSize", spec.size())
        .field("blockSize", spec.blockSize())
        .field("uniqueId", spec.uniqueId().toString())
        .endObject());
    return VhdCli.EXIT_OK;
  }
}
