package org.vhdspark.cli;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.io.Location;
import org.vhdspark.write.ChainOperations;

/**
 * {@code vhd diff A B -o CHILD}: a new differencing child of A holding exactly the sectors where B's
 * disk differs from A's, so CHILD resolves to B. Prints one JSON line with the count.
 */
final class DiffCommand implements Command {
  @Override
  public String name() {
    return "diff";
  }

  @Override
  public Set<Option> options() {
    return Set.of(Option.OUTPUT);
  }

  @Override
  public int run(Invocation invocation) throws IOException, UsageException {
    List<Location> operands = invocation.operands("A", "B");
    Location a = operands.get(0);
    Location b = operands.get(1);
    Location child = invocation.outputImage();
    VhdOptions options = invocation.options();
    invocation.refuseExisting(child);
    // Opened once here for what the reader notices, as the reading commands report it.
    for (Location image : operands) {
      try (VhdChain chain = VhdChain.open(invocation.store(), image, options)) {
        invocation.warn(chain.findings());
      }
    }
    long sectors = ChainOperations.diff(invocation.store(), a, b, child, options);
    invocation.printLine(JsonWriter.compact().beginObject()
        .field("path", child.toString())
        .field("parent", a.toString())
        .field("sectors", sectors)
        .field("bytes", sectors * VhdFormat.SECTOR_SIZE)
        .endObject());
    return VhdCli.EXIT_OK;
  }
}
