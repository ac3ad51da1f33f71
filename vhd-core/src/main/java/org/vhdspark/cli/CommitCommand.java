package org.vhdspark.cli;

import java.io.IOException;
import org.vhdspark.VhdException;
import org.vhdspark.format.VhdFormat;
import org.vhdspark.image.VhdChain;
import org.vhdspark.image.VhdOptions;
import org.vhdspark.io.Location;
import org.vhdspark.write.ChainOperations;

/**
 * {@code vhd commit CHILD}: every sector the child stores written into its parent, as
 * {@code vhd-util coalesce} does; the child is kept and still resolves to the same disk. Prints one
 * JSON line with the sectors written and the parent's path.
 */
final class CommitCommand implements Command {
  @Override
  public String name() {
    return "commit";
  }

  @Override
  public int run(Invocation invocation) throws IOException, UsageException {
    Location child = invocation.operands("CHILD").get(0);
    VhdOptions options = invocation.options();
    Location parent;
    try (VhdChain chain = VhdChain.open(invocation.store(), child, options)) {
      invocation.warn(chain.findings());
      if (!chain.image().isDifferencing()) {
        throw new VhdException(child + ": a " + chain.image().type().label()
            + " image has no parent; only a differencing image can be committed");
      }
      parent = chain.layers().get(1).location();
    }
    long sectors = ChainOperations.commit(invocation.store(), child, options);
    invocation.printLine(JsonWriter.compact().beginObject()
        .field("path", child.toString())
        .field("parent", parent.toString())
        .field("sectors", sectors)
        .field("bytes", sectors * VhdFormat.SECTOR_SIZE)
        .endObject());
    return VhdCli.EXIT_OK;
  }
}
